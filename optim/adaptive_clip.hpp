// optim/adaptive_clip.hpp — adaptive gradient clipping (AGC), unit by unit.
//
// For each unit i of a parameter W (a row W[i, ...] — one output unit of a
// Linear [out, in] or one output channel of a Conv2d [out, in, kh, kw]; the
// whole tensor for vectors and scalars):
//
//   limit_i = λ · max(‖W_i‖, eps)
//   G_i ← G_i · limit_i / ‖G_i‖    if ‖G_i‖ > limit_i
//
// so that afterwards ‖G_i‖ / max(‖W_i‖, eps) ≤ λ for every unit. The eps
// keeps zero-initialised units (biases) from being frozen. Place it first,
// on raw gradients. Stateless.
// Throws tg::Error for lambda ≤ 0 or eps ≤ 0 (or NaN).
// Reference: Brock, De, Smith & Simonyan 2021, "High-Performance Large-Scale
// Image Recognition Without Normalization" (NFNets), section 4.1.
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// Adaptive gradient clipping; build it with adaptive_clip().
class AdaptiveClip : public Transform {
 public:
  /// @throws tg::Error as adaptive_clip() does.
  AdaptiveClip(double lambda, double eps);
  std::string name() const override { return "adaptive_clip"; }
  TransformKind kind() const override { return TransformKind::clip; }
  /// Clips each unit of each active update against its weight (formula at the
  /// top of this file); sets ctx.clipped if one was scaled.
  void update(UpdateContext& ctx) override;

 private:
  void clip_units(Tensor& grad, const Tensor& weight, UpdateContext& ctx) const;
  double lambda_;
  double eps_;
};

/// Bounds ‖G_i‖ / max(‖W_i‖, eps) by λ = `lambda` for every unit i (AGC, NFNets).
/// @throws tg::Error for lambda ≤ 0 or eps ≤ 0 (or NaN).
TransformPtr adaptive_clip(double lambda, double eps = 1e-3);

}  // namespace tg::optim
