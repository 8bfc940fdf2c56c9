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
//   1. copies each parameter's grad() into an update buffer and, in the same
//      pass, takes its squared norm: per-parameter norms and the global norm
//      sqrt(Σ ‖g_p‖²) come from one loop. A parameter without a gradient is
//      skipped this step (Note [missing gradients] in optim/transform.hpp);
//   2. runs the chain's update() on the buffers;
//   3. unless the chain skipped (skip_nonfinite) or deferred (accumulate) the
//      step: θ ← θ + u for each parameter, then the chain's after_step()
//      hooks (projections, proximal maps), and the step count advances.
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
  std::int64_t step = 0;          // updates applied so far, this one included
  double grad_norm = 0;           // global L2 norm of the gradients, before the chain
  double update_norm = 0;         // global L2 norm of what the chain produced (0 if not applied)
  std::vector<double> param_grad_norms;  // per parameter, in order; 0 without a gradient
  bool clipped = false;           // a clip transform scaled something
  bool skipped = false;           // skip_nonfinite rejected the step
  bool accumulating = false;      // accumulate(k) stored a micro-batch, applied nothing
  std::int64_t consecutive_skips = 0;
  double learning_rate = std::numeric_limits<double>::quiet_NaN();  // NaN: no lr this step
};

struct OptimizerOptions {
  bool strict = false;  // chain-order problems throw instead of warning
};

class Optimizer {
 public:
  Optimizer(nn::ParameterList params, TransformPtr chain, OptimizerOptions options = {});

  StepReport step();
  /// Forgets every parameter's gradient.
  void zero_grad();

  const nn::ParameterList& params() const { return params_; }
  std::int64_t step_count() const { return step_count_; }
  Transform& transform() { return *chain_; }

  nn::NamedTensors state_dict() const;
  void load_state_dict(const nn::NamedTensors& state);
  /// state_dict() to a safetensors file (atomic write), and back.
  void save(const std::string& path) const;
  void load(const std::string& path);

 private:
  void check_params() const;
  UpdateContext gather_gradients(StepReport& report) const;
  void apply(UpdateContext& ctx, StepReport& report);

  nn::ParameterList params_;
  TransformPtr chain_;
  std::int64_t step_count_ = 0;
};

}  // namespace tg::optim
