// optim/clip_by_global_norm.hpp — rescale all updates together when their joint norm is large.
//
//   n = sqrt(Σ_p ‖u_p‖²)                    (over every parameter with an update)
//   u_p ← u_p · max_norm / n    if n > max_norm;   unchanged (bitwise) otherwise
//
// The direction of the whole update is kept; only its length is bounded
// (Pascanu et al. 2013, torch.nn.utils.clip_grad_norm_ without its +1e-6).
// max_norm may be a Schedule; its position is the `count` state.
// Throws tg::Error for max_norm ≤ 0 or NaN ("clip_by_global_norm: max_norm must be > 0, got 0").
//
// Note [non-finite norm]
// If an update holds a NaN or ±inf, n is not finite and no rescaling can
// repair it. What happens then is `on_nonfinite`:
//   error      (default) throw tg::Error naming the norm and the first
//              non-finite parameter: "clip_by_global_norm: the gradient norm
//              is nan; first non-finite parameter: 'fc1.weight' ...";
//   skip       skip the step as skip_nonfinite does (ctx.skip: nothing is
//              applied, later transforms do not run; put the clip first so
//              no earlier transform changed its state);
//   propagate  pass the updates on unchanged, NaN included (torch's
//              clip_grad_norm_ with error_if_nonfinite=False).
// Finite updates whose squares overflow (|u| ~ 1e154) are not this case:
// the norm is then measured with a rescaling and clipping works as usual.
#pragma once

#include "optim/schedule.hpp"
#include "optim/transform.hpp"

namespace tg::optim {

/// What clip_by_global_norm does with a NaN or ±inf norm (Note [non-finite norm]).
enum class NonfinitePolicy { error, skip, propagate };

struct ClipState {
  std::int64_t count = 0;  // updates seen: position of the max_norm schedule
};

class ClipByGlobalNorm : public Transform {
 public:
  explicit ClipByGlobalNorm(Schedule max_norm, NonfinitePolicy on_nonfinite = NonfinitePolicy::error);
  std::string name() const override { return "clip_by_global_norm"; }
  TransformKind kind() const override { return TransformKind::clip; }
  void update(UpdateContext& ctx) override;
  void visit_state(StateVisitor& visitor) override;
  /// The norm measured in the last update (before clipping).
  double last_norm() const { return last_norm_; }

 private:
  Schedule max_norm_;
  NonfinitePolicy on_nonfinite_;
  ClipState state_;
  double last_norm_ = 0;
};

TransformPtr clip_by_global_norm(Schedule max_norm,
                                 NonfinitePolicy on_nonfinite = NonfinitePolicy::error);

}  // namespace tg::optim
