// optim/skip_nonfinite.hpp — the non-finite guard: skip a step whose gradient has NaN or Inf.
//
// If any update element is NaN or ±inf, the step is skipped: the chain stops
// here, the Optimizer applies nothing, and no later transform runs, so the
// parameters and every other transform's state stay bitwise unchanged (put it
// first; the chain-order check warns otherwise). Only this transform's
// counters advance. A finite step resets the consecutive count.
//
// After `max_consecutive` skipped steps in a row, the next non-finite step
// throws tg::Error naming the first non-finite parameter of that step:
//   "skip_nonfinite: 4 consecutive steps with non-finite gradients
//    (max_consecutive = 3); first non-finite parameter: 'fc1.weight' ..."
// (the loss-scale backoff of mixed-precision training, torch.cuda.amp.GradScaler,
// skips the same way; optax.apply_if_finite is the same idea).
// Throws tg::Error for max_consecutive < 0.
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

struct SkipState {
  std::int64_t consecutive = 0;  // skipped steps in a row
  std::int64_t total = 0;        // skipped steps overall
};

class SkipNonfinite : public Transform {
 public:
  explicit SkipNonfinite(std::int64_t max_consecutive);
  std::string name() const override { return "skip_nonfinite"; }
  TransformKind kind() const override { return TransformKind::nonfinite_guard; }
  void update(UpdateContext& ctx) override;
  void visit_state(StateVisitor& visitor) override;
  const SkipState& state() const { return state_; }

 private:
  std::int64_t max_consecutive_;
  SkipState state_;
};

TransformPtr skip_nonfinite(std::int64_t max_consecutive = 10);

}  // namespace tg::optim
