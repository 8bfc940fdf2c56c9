// autodiff/engine.hpp — walking the tape backwards.
//
// backward(roots) computes, for every leaf that requires a gradient, the
// derivative of the roots with respect to it, and adds it to leaf.grad().
// It visits the nodes that a gradient flows into in *decreasing sequence
// number*. A node's inputs were all created before it, so their sequence
// numbers are smaller: reverse tape order is a topological order, and when
// a node is visited, every contribution to its output's gradient has already
// arrived (Note [reverse tape order] in engine.cpp).
//
// The generic work happens here, once, for every primitive:
//   - unbroadcasting: a primitive's backward may return a gradient with the
//     broadcast shape; the engine sums it back to the input's shape (sum_to);
//   - accumulation: a Var used twice receives the sum of both gradients;
//   - skipping inputs that need no gradient;
//   - hooks, anomaly checks, in-place modification checks, freeing.
#pragma once

#include <vector>

#include "autodiff/var.hpp"

namespace tg {

/// Accumulates d(sum_i <seeds_i, roots_i>)/d(leaf) into leaf.grad() for every
/// leaf reachable from the roots. A one-element root may have an undefined
/// seed (meaning 1); a larger root needs a seed of its shape.
/// Without retain_graph the saved state of the visited nodes is released and a
/// second backward through them is an error. With create_graph the gradient
/// computation is itself recorded (higher-order derivatives).
/// Leaf hooks see the total gradient of the pass; the result is added to any
/// existing grad() (call zero_grad() between steps).
/// @throws tg::Error if seeds and roots differ in number, a root is undefined
///         or does not require a gradient, a seed is missing (root of more than
///         one element) or differs in shape/dtype, the graph was already freed,
///         an input was modified in place after it was recorded, a hook returns
///         the wrong shape, or (anomaly mode) a gradient is not finite.
void backward(const std::vector<Var>& roots, const std::vector<Tensor>& seeds = {},
              bool retain_graph = false, bool create_graph = false);

/// The functional form (torch.autograd.grad / jax.grad): returns
/// d(sum_i <grad_outputs_i, outputs_i>)/d(inputs_j) for each input, without
/// touching any .grad(). An input that the outputs do not depend on gets
/// zeros, unless allow_unused is false (then it is an error naming it).
/// With create_graph the results are differentiable Vars (and the graph is
/// retained). Inputs may be leaves or intermediate Vars.
/// @throws tg::Error if an input is undefined or does not require a gradient,
///         an unused input with allow_unused false, or any backward() error.
std::vector<Var> grad(const std::vector<Var>& outputs, const std::vector<Var>& inputs,
                      const std::vector<Tensor>& grad_outputs = {}, bool create_graph = false,
                      bool retain_graph = false, bool allow_unused = true);

/// Anomaly mode: after each node's backward, check the gradients it produced;
/// the first NaN/Inf raises an error naming the op, its input shapes, its
/// sequence number and the output's name. Costs a pass over every gradient.
/// Process-wide (not per thread), off by default.
void set_anomaly_mode(bool enabled);
/// Whether anomaly mode is on.
bool is_anomaly_mode();

/// Turns anomaly mode on in a scope (restores the previous mode on exit).
class AnomalyGuard {
 public:
  /// Turns anomaly mode on until the guard is destroyed.
  AnomalyGuard() : previous_(is_anomaly_mode()) { set_anomaly_mode(true); }
  ~AnomalyGuard() { set_anomaly_mode(previous_); }
  AnomalyGuard(const AnomalyGuard&) = delete;
  AnomalyGuard& operator=(const AnomalyGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace tg

namespace tg {

/// While on, backward stores the L2 norm of the gradient it sends along each
/// edge in Node::grad_norms (read by to_dot and gradient monitors).
/// Process-wide, off by default.
void set_record_grad_norms(bool enabled);
/// Whether backward records gradient norms (set_record_grad_norms).
bool is_recording_grad_norms();

}  // namespace tg
