// autodiff/graph.hpp — looking at the tape.
//
// tape_string(loss) lists the recorded nodes that loss depends on, in tape
// order, one line each — the Wengert list of the computation:
//
//   #0  mul      [3] [3]        -> [3]
//   #1  sum      [3]            -> []     'loss'
//
// to_dot(loss) writes the same graph in Graphviz DOT (render with
// `dot -Tpng graph.dot -o graph.png`). Run backward while
// set_record_grad_norms(true) (or use GradNormGuard) first, and each edge is
// labelled with the norm of the gradient that flowed along it, drawn thicker
// and redder as the norm grows, so exploding paths stand out.
#pragma once

#include <iosfwd>
#include <string>

#include "autodiff/var.hpp"

namespace tg {

/// The tape of `root` as text: one line per recorded node it depends on, in
/// tape order (format above). Empty for a leaf or an undefined Var.
std::string tape_string(const Var& root);
/// Writes tape_string(root) to `os`.
void print_tape(const Var& root, std::ostream& os);
/// The graph of `root` in Graphviz DOT: nodes are ops, boxes are leaves
/// (filled if they require a gradient); one-element constants are left out.
/// Edges carry gradient norms when they were recorded (see above).
std::string to_dot(const Var& root);

/// Records gradient norms on the edges during backward, in a scope.
class GradNormGuard {
 public:
  /// Turns set_record_grad_norms on until the guard is destroyed.
  GradNormGuard();
  /// Restores the previous setting.
  ~GradNormGuard();
  GradNormGuard(const GradNormGuard&) = delete;
  GradNormGuard& operator=(const GradNormGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace tg
