// optim/clip_by_value.hpp — clamp every update element to [−v, v].
//
//   u ← clamp(u, −v, v)          (torch.nn.utils.clip_grad_value_, optax.clip)
//
// Changes the direction of the update, unlike the norm clips. Stateless.
// Throws tg::Error for v ≤ 0 or NaN ("clip_by_value: max_value must be > 0, got -1").
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

class ClipByValue : public Transform {
 public:
  explicit ClipByValue(double max_value);
  std::string name() const override { return "clip_by_value"; }
  TransformKind kind() const override { return TransformKind::clip; }
  void update(UpdateContext& ctx) override;

 private:
  double max_value_;
};

TransformPtr clip_by_value(double max_value);

}  // namespace tg::optim
