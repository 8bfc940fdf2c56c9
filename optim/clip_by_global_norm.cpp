#include "optim/clip_by_global_norm.hpp"

#include <cmath>

#include "optim/detail.hpp"
#include "tensor/elementwise.hpp"

namespace tg::optim {

ClipByGlobalNorm::ClipByGlobalNorm(Schedule max_norm) : max_norm_(std::move(max_norm)) {
  detail::require_positive("clip_by_global_norm", "max_norm", max_norm_.initial());
}

void ClipByGlobalNorm::update(UpdateContext& ctx) {
  const double max_norm = max_norm_(state_.count++);
  detail::require_positive("clip_by_global_norm", "max_norm", max_norm);
  double sum = 0;
  for (std::size_t i : ctx.active) sum += detail::sum_squares(ctx.updates[i]);
  last_norm_ = std::sqrt(sum);
  if (!(last_norm_ > max_norm)) return;  // below the threshold: leave the bits alone
  const double scale = max_norm / last_norm_;
  for (std::size_t i : ctx.active) mul_(ctx.updates[i], scale);
  ctx.clipped = true;
}

void ClipByGlobalNorm::visit_state(StateVisitor& visitor) { visitor.counter("count", state_.count); }

TransformPtr clip_by_global_norm(Schedule max_norm) {
  return std::make_unique<ClipByGlobalNorm>(std::move(max_norm));
}

}  // namespace tg::optim
