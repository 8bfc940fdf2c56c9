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

void ScaleByLearningRate::prepare(UpdateContext& ctx) {
  const double lr = lr_(state_.count);
  detail::require_non_negative("scale_by_learning_rate", "lr", lr);
  ++state_.count;
  ctx.learning_rate = lr;
  lr_now_ = lr;
}

void ScaleByLearningRate::update_chunk(UpdateContext&, const Chunk& chunk) {
  dispatch_floating(chunk.dtype, "scale_by_learning_rate", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* u = chunk.update<T>();
    const T factor = static_cast<T>(-lr_now_);  // what mul_(u, -lr) multiplies by
    for (std::int64_t k = 0; k < chunk.size; ++k) u[k] = u[k] * factor;
  });
}

void ScaleByLearningRate::visit_state(StateVisitor& visitor) {
  visitor.counter("count", state_.count);
}

TransformPtr scale_by_learning_rate(Schedule lr) {
  return std::make_unique<ScaleByLearningRate>(std::move(lr));
}

}  // namespace tg::optim
