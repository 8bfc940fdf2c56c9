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

/// State of scale_by_learning_rate().
struct LearningRateState {
  std::int64_t count = 0;  ///< updates so far: position of the schedule
};

/// The learning-rate transform; build it with scale_by_learning_rate().
class ScaleByLearningRate : public ElementwiseTransform {
 public:
  /// @throws tg::Error as scale_by_learning_rate() does.
  explicit ScaleByLearningRate(Schedule lr);
  std::string name() const override { return "scale_by_learning_rate"; }
  TransformKind kind() const override { return TransformKind::learning_rate; }
  /// Reads lr_t from the schedule, advances it, sets ctx.learning_rate.
  /// @throws tg::Error if lr_t is negative or NaN.
  void prepare(UpdateContext& ctx) override;
  void update_chunk(UpdateContext& ctx, const Chunk& chunk) override;
  /// −lr_t, for the fused sweep (Note [folded scales]).
  double scale_factor() const override { return -lr_now_; }
  void visit_state(StateVisitor& visitor) override;

 private:
  Schedule lr_;
  LearningRateState state_;
  double lr_now_ = 0;  // lr_t of the step in progress
};

/// u ← −lr_t·u (formula and checks at the top of this file); lr is a constant or a Schedule.
/// @throws tg::Error for lr ≤ 0 or NaN (a schedule's first value may be 0).
TransformPtr scale_by_learning_rate(Schedule lr);

}  // namespace tg::optim
