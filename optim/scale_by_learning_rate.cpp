#include "optim/scale_by_learning_rate.hpp"

#include "optim/detail.hpp"
#include "tensor/elementwise.hpp"

namespace tg::optim {

ScaleByLearningRate::ScaleByLearningRate(Schedule lr) : lr_(std::move(lr)) {
  // Warmup schedules legitimately start at 0; a constant must be positive.
  if (lr_.is_constant())
    detail::require_positive("scale_by_learning_rate", "lr", lr_.initial());
  else
    detail::require_non_negative("scale_by_learning_rate", "lr", lr_.initial());
}

void ScaleByLearningRate::update(UpdateContext& ctx) {
  const double lr = lr_(state_.count);
  detail::require_non_negative("scale_by_learning_rate", "lr", lr);
  ++state_.count;
  ctx.learning_rate = lr;
  for (std::size_t i : ctx.active) mul_(ctx.updates[i], -lr);
}

void ScaleByLearningRate::visit_state(StateVisitor& visitor) {
  visitor.counter("count", state_.count);
}

TransformPtr scale_by_learning_rate(Schedule lr) {
  return std::make_unique<ScaleByLearningRate>(std::move(lr));
}

}  // namespace tg::optim
