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
enum class NonfinitePolicy {
  error,      ///< throw tg::Error naming the first non-finite parameter (default)
  skip,       ///< skip the step, as skip_nonfinite does
  propagate,  ///< pass the updates on unchanged, NaN included
};

/// State of clip_by_global_norm().
struct ClipState {
  std::int64_t count = 0;  ///< updates seen: position of the max_norm schedule
};

/// The global-norm clip; build it with clip_by_global_norm().
class ClipByGlobalNorm : public Transform {
 public:
  /// @throws tg::Error as clip_by_global_norm() does.
  explicit ClipByGlobalNorm(Schedule max_norm, NonfinitePolicy on_nonfinite = NonfinitePolicy::error);
  std::string name() const override { return "clip_by_global_norm"; }
  TransformKind kind() const override { return TransformKind::clip; }
  /// Measures n and scales every update (formula at the top of this file).
  /// @throws tg::Error for a non-positive max_norm, or a non-finite n under NonfinitePolicy::error.
  void update(UpdateContext& ctx) override;
  /// Fuses when ctx.known_norm will be finite: first in the chain, on the gradient
  /// (Note [fused update] in optim/transform.hpp); the clip is then a multiply.
  bool fuse_into(FusedRun& run) override;
  /// update() with n = ctx.known_norm, without scaling (update_chunk() does).
  void prepare(UpdateContext& ctx) override;
  void update_chunk(UpdateContext& ctx, const Chunk& chunk) override;
  /// This step's scale (1: no clip), for the fused sweep (Note [folded scales]).
  double scale_factor() const override { return scaling_ ? scale_ : 1.0; }
  void visit_state(StateVisitor& visitor) override;
  /// The norm measured in the last update (before clipping).
  double last_norm() const { return last_norm_; }

 private:
  double next_max_norm();
  void decide(UpdateContext& ctx, double max_norm);
  Schedule max_norm_;
  NonfinitePolicy on_nonfinite_;
  ClipState state_;
  double last_norm_ = 0;
  bool scaling_ = false;  // this step rescales, by scale_
  double scale_ = 1;
};

/// Scales all updates together so that their joint L2 norm is at most
/// max_norm (a constant or a Schedule); see Note [non-finite norm] for NaN/inf.
/// @throws tg::Error for max_norm ≤ 0 or NaN.
TransformPtr clip_by_global_norm(Schedule max_norm,
                                 NonfinitePolicy on_nonfinite = NonfinitePolicy::error);

}  // namespace tg::optim
