// optim/clip_by_param_norm.hpp — bound each parameter's update norm separately.
//
//   u_p ← u_p · max_norm / ‖u_p‖    if ‖u_p‖ > max_norm, for each parameter p
//
// Unlike clip_by_global_norm, one exploding layer does not shrink the others.
// Stateless. Throws tg::Error for max_norm ≤ 0 or NaN.
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// The per-parameter norm clip; build it with clip_by_param_norm().
class ClipByParamNorm : public Transform {
 public:
  /// @throws tg::Error as clip_by_param_norm() does.
  explicit ClipByParamNorm(double max_norm);
  std::string name() const override { return "clip_by_param_norm"; }
  TransformKind kind() const override { return TransformKind::clip; }
  /// Scales each active update whose norm exceeds max_norm; sets ctx.clipped then.
  void update(UpdateContext& ctx) override;

 private:
  double max_norm_;
};

/// u_p ← u_p·max_norm/‖u_p‖ for each parameter p with ‖u_p‖ > max_norm.
/// @throws tg::Error for max_norm ≤ 0 or NaN.
TransformPtr clip_by_param_norm(double max_norm);

}  // namespace tg::optim
