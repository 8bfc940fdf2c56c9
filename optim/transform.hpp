// optim/transform.hpp — the one abstraction of tg::optim: a gradient transform.
//
// An optimizer step is a pipeline (optax's GradientTransformation):
//
//   gradients ──► t1 ──► t2 ──► ... ──► updates        θ ← θ + updates
//
// Each Transform rewrites the update buffers *in place*: clipping scales them,
// Adam divides them by a running RMS, scale_by_learning_rate multiplies them
// by −lr (the one place where the sign flips). Each transform is one file,
// one idea, and keeps its state in a named struct (AdamState, ...).
//
// Why an abstract base class and not optax's pair of pure functions? In C++
// the state of a transform is naturally a member (a vector of tensors, a
// step counter); a `virtual update(UpdateContext&)` reads like the textbook
// formula and needs no type erasure of state. Composition (chain, masked,
// accumulate) is ordinary ownership: a Chain owns its children. The only
// generic operations on state (checkpoint save/load) go through one visitor,
// `visit_state`, so no transform writes serialisation code.
//
// Two phases per step (Note [after-step hooks]):
//   update(ctx)      gradient → update, before the optimizer applies it;
//   after_step(ctx)  runs on the *parameters* after θ ← θ + u: projections
//                    and proximal maps (proximal_l1, max_norm_constraint,
//                    decoupled_weight_decay without lr scaling) need the
//                    stepped value and cannot be folded into an additive update.
//
// Missing gradients (Note [missing gradients]): a parameter whose grad() is
// undefined has an undefined update and is left out of `ctx.active`, so no
// transform touches it or its state that step (PyTorch skips such
// parameters too: no momentum drift, no decay of frozen parameters).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "nn/parameter.hpp"
#include "optim/state_visitor.hpp"
#include "tensor/tensor.hpp"

namespace tg::optim {

/// Everything a transform sees during one step.
struct UpdateContext {
  const nn::ParameterList& params;
  /// One per parameter: on entry the gradients, on exit the updates.
  /// Undefined where the parameter has no gradient. Contiguous, own memory.
  std::vector<Tensor> updates;
  /// Indices (into params) that have an update, in order. masked() narrows it.
  std::vector<std::size_t> active;
  /// Set by scale_by_learning_rate; read by proximal_l1 and the step report.
  double learning_rate = std::numeric_limits<double>::quiet_NaN();
  bool skip = false;     // skip_nonfinite: apply nothing, change no state
  bool defer = false;    // accumulate: micro-batch stored, apply nothing yet
  bool clipped = false;  // any clip transform scaled something
  std::int64_t consecutive_skips = 0;  // reported by skip_nonfinite
};

/// What a transform is, for the chain-order checks (optim/chain.hpp).
enum class TransformKind {
  other,
  clip,              // clip_by_*, adaptive_clip
  learning_rate,     // scale_by_learning_rate
  coupled_l2,        // add_l2_to_grad
  adaptive_scaling,  // scale_by_adam / rms / adagrad
  accumulate,
  nonfinite_guard,
  needs_learning_rate,  // proximal_l1
};

class Transform {
 public:
  virtual ~Transform() = default;
  /// The optax verb: "scale_by_adam", "clip_by_global_norm", ...
  virtual std::string name() const = 0;
  virtual TransformKind kind() const { return TransformKind::other; }
  /// Allocates state for these parameters (called once by the Optimizer).
  virtual void init(const nn::ParameterList& params) { (void)params; }
  /// Rewrites ctx.updates[i] for i in ctx.active, in place.
  virtual void update(UpdateContext& ctx) = 0;
  /// Runs on the parameters after the update was added (Note [after-step hooks]).
  virtual void after_step(UpdateContext& ctx) { (void)ctx; }
  virtual void visit_state(StateVisitor& visitor) { (void)visitor; }
  /// Nested transforms (chain, masked, accumulate), for the order checks.
  virtual std::vector<const Transform*> children() const { return {}; }
};

using TransformPtr = std::unique_ptr<Transform>;

/// Which parameters a transform applies to (see optim/mask.hpp).
using Mask = std::function<bool(const nn::NamedParameter&)>;

}  // namespace tg::optim
