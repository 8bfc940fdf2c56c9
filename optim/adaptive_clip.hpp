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

class AdaptiveClip : public Transform {
 public:
  AdaptiveClip(double lambda, double eps);
  std::string name() const override { return "adaptive_clip"; }
  TransformKind kind() const override { return TransformKind::clip; }
  void update(UpdateContext& ctx) override;

 private:
  void clip_units(Tensor& grad, const Tensor& weight, UpdateContext& ctx) const;
  double lambda_;
  double eps_;
};

TransformPtr adaptive_clip(double lambda, double eps = 1e-3);

}  // namespace tg::optim
