// optim/scale_by_learning_rate.hpp — multiply by −lr: the one place the sign flips.
//
//   u ← −lr_t · u,     lr_t = schedule(count)
//
// Every transform before it works with gradient-like quantities (pointing
// uphill); after it, the buffers hold the actual change θ ← θ + u. Keeping
// the flip in one place is what lets clip, decay and Adam compose in any
// order without sign bugs. The learning rate used is reported in
// StepReport::learning_rate and read by proximal_l1.
// Throws tg::Error for lr ≤ 0 or NaN at construction (a constant, or a
// schedule's value at step 0 unless it warms up from 0), and for a negative
// or NaN schedule value during a step ("scale_by_learning_rate: lr must be >= 0, got nan").
#pragma once

#include "optim/schedule.hpp"
#include "optim/transform.hpp"

namespace tg::optim {

struct LearningRateState {
  std::int64_t count = 0;  // position of the schedule
};

class ScaleByLearningRate : public Transform {
 public:
  explicit ScaleByLearningRate(Schedule lr);
  std::string name() const override { return "scale_by_learning_rate"; }
  TransformKind kind() const override { return TransformKind::learning_rate; }
  void update(UpdateContext& ctx) override;
  void visit_state(StateVisitor& visitor) override;

 private:
  Schedule lr_;
  LearningRateState state_;
};

TransformPtr scale_by_learning_rate(Schedule lr);

}  // namespace tg::optim
