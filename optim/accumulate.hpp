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

struct AccumulateState {
  std::int64_t micro_step = 0;  // micro-batches in the current window
  std::vector<Tensor> sum;      // s per parameter; undefined until its first gradient
};

class Accumulate : public Transform {
 public:
  Accumulate(std::int64_t k, TransformPtr inner);
  std::string name() const override { return "accumulate"; }
  TransformKind kind() const override { return TransformKind::accumulate; }
  void init(const nn::ParameterList& params) override;
  void update(UpdateContext& ctx) override;
  void after_step(UpdateContext& ctx) override;
  void visit_state(StateVisitor& visitor) override;
  std::vector<const Transform*> children() const override { return {inner_.get()}; }

 private:
  std::int64_t k_;
  TransformPtr inner_;
  AccumulateState state_;
};

TransformPtr accumulate(std::int64_t k, TransformPtr inner);

}  // namespace tg::optim
