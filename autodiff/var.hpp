// autodiff/var.hpp — tg::Var, a tensor that remembers how it was made.
//
// A Var wraps a Tensor value. A *leaf* Var is one you create (a parameter or
// an input); mark it `requires_grad` and every differentiable op applied to it
// in grad mode records a Node on the tape: which primitive ran, its inputs,
// and what its backward needs. The Var that an op returns owns that Node, so a
// graph lives exactly as long as something still refers to its outputs.
//
//   tg::Var w(tg::randn({3, 1}, gen), /*requires_grad=*/true);
//   tg::Var loss = tg::mean(tg::square(tg::matmul(x, w) - y));
//   loss.backward();            // fills w.grad()
//
// Like torch.Tensor, Var is a handle: copies share the value, the gradient and
// the recorded history.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "autodiff/op_table.hpp"
#include "tensor/im2col.hpp"
#include "tensor/small_vector.hpp"
#include "tensor/tensor.hpp"

namespace tg {

struct Node;
struct VarImpl;

/// A handle to a tensor value plus its autodiff state (requires_grad, the
/// Node that produced it, the accumulated gradient, name, hooks). Copies
/// share that state. Methods that read the state throw tg::Error on an
/// undefined Var, naming the method.
class Var {
 public:
  /// An undefined Var (`defined() == false`), e.g. "no gradient yet".
  Var() = default;
  /// A leaf holding `value` (shared, not copied). With requires_grad, backward() fills grad().
  /// @throws tg::Error if `value` is undefined, or requires_grad is set on an i64 value.
  explicit Var(Tensor value, bool requires_grad = false);

  /// False for a default-constructed Var (e.g. a gradient not computed yet).
  bool defined() const { return impl_ != nullptr; }
  /// The tensor this Var holds. @throws tg::Error if undefined.
  const Tensor& value() const;
  /// value().dtype().
  DType dtype() const { return value().dtype(); }
  /// value().shape().
  const Shape& shape() const { return value().shape(); }
  /// value().dim().
  std::int64_t dim() const { return value().dim(); }
  /// value().numel().
  std::int64_t numel() const { return value().numel(); }
  /// The value of a one-element Var.
  double item() const { return value().item(); }

  /// True for a leaf marked requires_grad and for every recorded op output;
  /// false for an undefined Var.
  bool requires_grad() const;
  /// Marks a leaf as needing a gradient (error on a non-leaf: use detach()).
  /// @throws tg::Error on a non-leaf, or when setting it on an i64 value.
  Var& requires_grad_(bool flag = true);
  /// True for variables the user created (no recorded op produced them).
  bool is_leaf() const;
  /// The accumulated gradient of a leaf after backward(); undefined before.
  /// A Var, so that with create_graph it can itself be differentiated.
  Var grad() const;
  /// Sets the gradient (used by optimizers and tests); an undefined `g` clears it.
  /// @throws tg::Error if a defined `g` has a different shape.
  void set_grad(const Var& g);
  /// Forgets the accumulated gradient.
  void zero_grad();
  /// Same value (shares the tensor's memory), no history, requires_grad false: a constant.
  Var detach() const;

  /// Backpropagates from this Var. A scalar (one element) needs no seed; a
  /// non-scalar needs `seed`, the gradient of the final result with respect
  /// to this Var (same shape). Frees the saved tensors of the graph unless
  /// retain_graph; with create_graph the gradients are themselves recorded,
  /// for higher-order derivatives. See autodiff/engine.hpp: tg::backward({*this}, {seed}, ...).
  /// @throws tg::Error if this Var does not require a gradient, the seed is
  ///         missing or mismatched, or the graph was freed (see tg::backward).
  void backward(const Tensor& seed = Tensor(), bool retain_graph = false,
                bool create_graph = false) const;

  /// A label shown in tape dumps, DOT graphs and anomaly errors.
  Var& set_name(std::string name);
  /// The label set by set_name() (empty if none, or if the Var is undefined).
  const std::string& name() const;

  /// Called with this Var's gradient during backward, before it is used:
  /// return an undefined Var to keep the gradient, or a replacement of the
  /// same shape. Hooks on a leaf see the total gradient of one backward pass.
  using Hook = std::function<Var(const Var& grad)>;
  /// Adds a Hook; hooks run in registration order, each seeing the previous result.
  /// @throws tg::Error if this Var does not require a gradient (the hook would
  ///         never run); during backward, if a hook returns a different shape.
  void register_hook(Hook hook);

  /// The node that produced this Var (null for leaves and constants).
  const std::shared_ptr<Node>& grad_fn() const;
  /// Identity (two handles of the same variable compare equal).
  const VarImpl* id() const { return impl_.get(); }
  /// The shared state behind the handle (for the engine and graph tools).
  const std::shared_ptr<VarImpl>& impl() const { return impl_; }
  /// A handle on existing state (for the engine: Node::out()).
  explicit Var(std::shared_ptr<VarImpl> impl) : impl_(std::move(impl)) {}

 private:
  void check_defined(const char* op) const;
  std::shared_ptr<VarImpl> impl_;
};

/// A node's inputs: inline for up to three (Note [inline dims] in
/// tensor/small_vector.hpp), so recording a binary op allocates no list.
using Inputs = detail::SmallVector<Var, 3>;
/// Gradients of a node's inputs, one per input (undefined: no gradient);
/// inline like Inputs.
using Grads = detail::SmallVector<Var, 3>;
/// A primitive's backward: given the node and the gradient of its output,
/// the gradients of its inputs, in input order, written with Var ops.
using BackwardFn = Grads (*)(const Node& node, const Var& grad);

/// Extra, non-tensor arguments an op needs again in backward.
struct OpAttrs {
  Axes axes;                 ///< reduction axes, permutation, ...
  Shape shape;               ///< shape to restore, expand target, ...
  double scalar = 0;         ///< exponent, clamp bounds, ...
  double scalar2 = 0;        ///< a second scalar (clamp's upper bound)
  /// @var int0
  /// First integer argument (an axis, ...).
  /// @var int1
  /// Second integer argument (a slice start, ...).
  /// @var int2
  /// Third integer argument (a slice stop or step, ...).
  std::int64_t int0 = 0, int1 = 0, int2 = 0;  // axis, start, stop/step, ...
  bool flag = false;         ///< keepdim, ...
  DType dtype = DType::f32;  ///< cast source dtype
  Conv2dGeometry conv;       ///< im2col / col2im
};

/// One entry of the tape (a row of the Wengert list): the primitive that ran,
/// its inputs, and what its backward needs.
struct Node {
  std::uint64_t seq = 0;        ///< position on the tape: creation order (per thread)
  OpId op = OpId::leaf;         ///< which primitive ran
  BackwardFn backward = nullptr;  ///< the primitive's backward formula
  Inputs inputs;                ///< strong references: the graph keeps its inputs alive
  /// Storage versions of the inputs when recorded (in-place check); inline
  /// for up to four inputs, so recording allocates nothing here.
  detail::SmallVector<std::size_t, 4> input_versions;
  std::weak_ptr<VarImpl> output;  ///< weak: the output owns this node, not the reverse
  OpAttrs attrs;                ///< non-tensor arguments saved for backward
  bool released = false;        ///< set by backward without retain_graph
  /// Gradient contributions summed while a backward pass waits to visit this
  /// node (Note [input buffer] in engine.cpp); undefined outside a pass.
  Var grad_buffer;
  /// The pass that filled grad_buffer (detects a re-entrant backward).
  std::uint64_t buffer_pass = 0;
  /// Norm of the gradient sent to each input in the last backward, filled
  /// only while record_grad_norms is on (graph export, diagnostics).
  std::vector<double> grad_norms;

  /// The Var this node produced. Valid during backward: whatever reaches a
  /// node also holds its output.
  Var out() const;
  Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  ~Node();
};

/// The state every handle of one Var shares.
struct VarImpl {
  Tensor value;                   ///< the forward value
  bool requires_grad = false;     ///< a leaf marked for gradients, or a recorded op output
  std::shared_ptr<Node> grad_fn;  ///< the node that produced it (null for leaves)
  Var grad;                       ///< accumulated gradient (leaves; undefined until backward)
  std::string name;               ///< label for dumps and errors
  std::vector<Var::Hook> hooks;   ///< run on the gradient during backward
};

// --- grad mode ----------------------------------------------------------------

/// Whether ops record onto the tape (per thread; on by default).
bool is_grad_enabled();
/// Turns recording on or off for this thread (prefer the guards below).
void set_grad_enabled(bool enabled);

/// Sets grad mode for a scope and restores the previous mode on exit
/// (exceptions included).
class GradModeGuard {
 public:
  /// Sets grad mode to `enabled` until the guard is destroyed.
  explicit GradModeGuard(bool enabled) : previous_(is_grad_enabled()) { set_grad_enabled(enabled); }
  ~GradModeGuard() { set_grad_enabled(previous_); }
  GradModeGuard(const GradModeGuard&) = delete;
  GradModeGuard& operator=(const GradModeGuard&) = delete;

 private:
  bool previous_;
};

/// Turns recording off in a scope: evaluation loops, optimizer updates.
class NoGradGuard : public GradModeGuard {
 public:
  NoGradGuard() : GradModeGuard(false) {}
};

/// Turns recording back on inside a no-grad scope.
class EnableGradGuard : public GradModeGuard {
 public:
  EnableGradGuard() : GradModeGuard(true) {}
};

/// Records one primitive: wraps `value` in a Var and, when grad mode is on
/// and some input requires a gradient, gives it a Node with the next tape
/// sequence number. Every primitive's forward ends with a call to this.
Var record(OpId op, Tensor value, const std::vector<Var>& inputs, BackwardFn backward,
           OpAttrs attrs = {});
/// record() for a braced list of inputs, `{a, b}`: the same, but builds the
/// node's input list only when a node is recorded (no allocation in no-grad).
Var record(OpId op, Tensor value, std::initializer_list<Var> inputs, BackwardFn backward,
           OpAttrs attrs = {});

/// The sequence number the next recorded node will get (counted per thread).
std::uint64_t next_sequence_number();

/// How many tape nodes exist right now in this process (a graph nobody
/// refers to any more is freed, so this stays flat across training steps).
std::int64_t live_node_count();

}  // namespace tg
