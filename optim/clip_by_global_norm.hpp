// optim/clip_by_global_norm.hpp — rescale all updates together when their joint norm is large.
//
//   n = sqrt(Σ_p ‖u_p‖²)                    (over every parameter with an update)
//   u_p ← u_p · max_norm / n    if n > max_norm;   unchanged (bitwise) otherwise
//
// The direction of the whole update is kept; only its length is bounded
// (Pascanu et al. 2013, torch.nn.utils.clip_grad_norm_ without its +1e-6).
// max_norm may be a Schedule; its position is the `count` state.
// Throws tg::Error for max_norm ≤ 0 or NaN ("clip_by_global_norm: max_norm must be > 0, got 0").
#pragma once

#include "optim/schedule.hpp"
#include "optim/transform.hpp"

namespace tg::optim {

struct ClipState {
  std::int64_t count = 0;  // updates seen: position of the max_norm schedule
};

class ClipByGlobalNorm : public Transform {
 public:
  explicit ClipByGlobalNorm(Schedule max_norm);
  std::string name() const override { return "clip_by_global_norm"; }
  TransformKind kind() const override { return TransformKind::clip; }
  void update(UpdateContext& ctx) override;
  void visit_state(StateVisitor& visitor) override;
  /// The norm measured in the last update (before clipping).
  double last_norm() const { return last_norm_; }

 private:
  Schedule max_norm_;
  ClipState state_;
  double last_norm_ = 0;
};

TransformPtr clip_by_global_norm(Schedule max_norm);

}  // namespace tg::optim
