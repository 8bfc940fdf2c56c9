// optim/clip_by_value.hpp — clamp every update element to [−v, v].
//
//   u ← clamp(u, −v, v)          (torch.nn.utils.clip_grad_value_, optax.clip)
//
// Changes the direction of the update, unlike the norm clips. Stateless.
// Throws tg::Error for v ≤ 0 or NaN ("clip_by_value: max_value must be > 0, got -1").
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// The element clamp; build it with clip_by_value().
class ClipByValue : public ElementwiseTransform {
 public:
  /// @throws tg::Error as clip_by_value() does.
  explicit ClipByValue(double max_value);
  std::string name() const override { return "clip_by_value"; }
  TransformKind kind() const override { return TransformKind::clip; }
  /// Clamps; sets ctx.clipped if an element was outside [−v, v].
  void update_chunk(UpdateContext& ctx, const Chunk& chunk) override;

 private:
  double max_value_;
};

/// u ← clamp(u, −max_value, max_value) elementwise.
/// @throws tg::Error for max_value ≤ 0 or NaN.
TransformPtr clip_by_value(double max_value);

}  // namespace tg::optim
