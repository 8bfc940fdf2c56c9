// optim/optimizer.hpp — parameters + a chain of transforms + its state.
//
//   tg::optim::Optimizer opt(model.named_parameters(),
//                            chain(clip_by_global_norm(1.0), scale_by_adam(),
//                                  decoupled_weight_decay(1e-2), scale_by_learning_rate(1e-3)));
//   for (...) {
//     opt.zero_grad();
//     loss(model, batch).backward();
//     tg::optim::StepReport r = opt.step();   // r.grad_norm, r.clipped, r.learning_rate, ...
//   }
//
// step(), under NoGradGuard (nothing is recorded on the tape):
//   1. takes each parameter's squared gradient norm: per-parameter norms and
//      the global norm sqrt(Σ ‖g_p‖²). A parameter without a gradient is
//      skipped this step (Note [missing gradients] in optim/transform.hpp);
//   2. runs the chain's update() on update buffers that start as copies of
//      the gradients;
//   3. unless the chain skipped (skip_nonfinite) or deferred (accumulate) the
//      step: θ ← θ + u for each parameter, then the chain's after_step()
//      hooks (projections, proximal maps), and the step count advances.
// With OptimizerOptions::fuse (the default) the copy, the chain's elementwise
// transforms and θ ← θ + u run as one sweep over the parameters, and a
// global-norm clip first in the chain reuses the norm of step 1 (Note [fused
// update] in optim/transform.hpp); results are the same bits either way.
// The gradients themselves are left as they are; zero_grad() forgets them.
//
// Checkpoints: state_dict() is a list of named tensors — per-parameter state
// as "<index>.<transform>.<field>.<parameter name>", counters as 0-d i64
// tensors — plus "optimizer.step"; save()/load() write it with nn/safetensors.
// load_state_dict throws tg::Error naming a missing entry, an unexpected one
// (a checkpoint of another chain), or one whose shape or dtype does not
// match; it validates everything first, so a bad checkpoint changes nothing.
//
// Construction throws tg::Error for duplicate parameter names, undefined,
// non-floating or non-contiguous parameters, and runs check_chain_order
// (optim/chain.hpp): warnings on stderr, errors with options.strict.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "nn/parameter.hpp"
#include "nn/safetensors.hpp"
#include "optim/transform.hpp"

namespace tg::optim {

/// What one call of step() did.
struct StepReport {
  std::int64_t step = 0;          ///< updates applied so far, this one included
  double grad_norm = 0;           ///< global L2 norm of the gradients, before the chain
  double update_norm = 0;         ///< global L2 norm of what the chain produced (0 if not applied)
  std::vector<double> param_grad_norms;  ///< per parameter, in order; 0 without a gradient
  bool clipped = false;           ///< a clip transform scaled something
  bool skipped = false;           ///< skip_nonfinite (or a clip's NonfinitePolicy::skip) rejected the step
  bool accumulating = false;      ///< accumulate(k) stored a micro-batch, applied nothing
  std::int64_t consecutive_skips = 0;  ///< skipped steps in a row, as skip_nonfinite counts them
  double learning_rate = std::numeric_limits<double>::quiet_NaN();  ///< lr_t used; NaN: no lr this step
};

/// Options of an Optimizer (designated initializers: `{.strict = true}`).
struct OptimizerOptions {
  bool strict = false;  ///< chain-order problems throw instead of warning (default false)
  /// Fuse the chain's elementwise transforms and the apply step into one sweep
  /// (default true; Note [fused update] in optim/transform.hpp). false runs one
  /// pass per transform: the same bits, slower; the reference the tests compare with.
  bool fuse = true;
};

/// Parameters + a transform (usually a chain) + its state: see the top of this file.
class Optimizer {
 public:
  /// Checks the parameters and the chain order, then initialises the transform's state.
  /// @throws tg::Error for a null transform, duplicate names, undefined,
  ///         non-floating or non-contiguous parameters, and (strict) order problems.
  Optimizer(nn::ParameterList params, TransformPtr chain, OptimizerOptions options = {});

  /// One optimizer step from the parameters' current gradients (steps 1–3 above).
  /// @throws tg::Error what a transform throws (clip of a NaN norm, a bad schedule value, ...).
  StepReport step();
  /// Forgets every parameter's gradient.
  void zero_grad();

  /// The parameters, in the order the state and reports use.
  const nn::ParameterList& params() const { return params_; }
  /// Updates applied so far (skipped and accumulating steps do not count).
  std::int64_t step_count() const { return step_count_; }
  /// The root transform (for inspecting a transform's state).
  Transform& transform() { return *chain_; }

  /// The state as named tensors (see the top of this file).
  nn::NamedTensors state_dict() const;
  /// Restores state_dict() output; validates everything first.
  /// @throws tg::Error for a missing, unexpected or mismatched entry (nothing changes then).
  void load_state_dict(const nn::NamedTensors& state);
  /// state_dict() to a safetensors file (atomic write).
  /// @throws tg::Error if the file cannot be written.
  void save(const std::string& path) const;
  /// load_state_dict() from a file written by save(). Nothing changes on error.
  /// @throws tg::Error naming the file: unreadable or invalid safetensors, a
  ///         file saved by something else (a model checkpoint), or any
  ///         load_state_dict() error (missing, unexpected, mismatched entries).
  void load(const std::string& path);

 private:
  void check_params() const;
  UpdateContext gather_gradients(StepReport& report) const;
  bool parameters_share_storage(const UpdateContext& ctx) const;
  void apply(UpdateContext& ctx, StepReport& report);

  nn::ParameterList params_;
  TransformPtr chain_;
  bool fuse_ = true;
  std::int64_t step_count_ = 0;
};

}  // namespace tg::optim
