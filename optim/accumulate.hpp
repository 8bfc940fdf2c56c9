// optim/accumulate.hpp — gradient accumulation: one update every k micro-batches.
//
//   s ← s + g                            on every step (micro-batch)
//   every k-th step:  g ← s / k,  s ← 0,  then run `inner` on g and apply it
//   other steps:      nothing is applied (StepReport::accumulating)
//
// With a mean loss over equal micro-batches, s/k is exactly the gradient of
// the k-times-larger batch, so a clip inside `inner` bounds the accumulated
// gradient, as it would for the large batch (a clip *before* accumulate
// clips each micro-batch; the chain-order check warns). Only the inner
// chain's state advances once per k steps: Adam's count counts updates,
// not micro-batches. A parameter counts as having a gradient if any
// micro-batch of the window gave it one (Note [missing gradients]).
// Throws tg::Error for k < 1.
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// State of accumulate() (the inner transform's state is saved under "inner.").
struct AccumulateState {
  std::int64_t micro_step = 0;  ///< micro-batches in the current window
  std::vector<Tensor> sum;      ///< s per parameter; undefined until its first gradient
};

/// Gradient accumulation; build it with accumulate().
class Accumulate : public Transform {
 public:
  /// @throws tg::Error as accumulate() does.
  Accumulate(std::int64_t k, TransformPtr inner);
  std::string name() const override { return "accumulate"; }
  TransformKind kind() const override { return TransformKind::accumulate; }
  void init(const nn::ParameterList& params) override;
  /// Adds the micro-batch to s; every k-th call runs `inner` on s/k, else sets ctx.defer.
  void update(UpdateContext& ctx) override;
  /// The inner transform's hooks (only called on applied steps).
  void after_step(UpdateContext& ctx) override;
  bool reads_updates_after_step() const override { return inner_->reads_updates_after_step(); }
  void visit_state(StateVisitor& visitor) override;
  std::vector<const Transform*> children() const override { return {inner_.get()}; }

 private:
  std::int64_t k_;
  TransformPtr inner_;
  AccumulateState state_;
};

/// Runs `inner` once every k steps on the mean of the k gradients (see the top of this file).
/// @throws tg::Error for k < 1 or a null inner transform.
TransformPtr accumulate(std::int64_t k, TransformPtr inner);

}  // namespace tg::optim
