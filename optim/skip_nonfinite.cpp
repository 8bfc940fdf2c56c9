#include "optim/skip_nonfinite.hpp"

#include <cmath>

#include "optim/detail.hpp"

namespace tg::optim {

SkipNonfinite::SkipNonfinite(std::int64_t max_consecutive) : max_consecutive_(max_consecutive) {
  detail::require_at_least("skip_nonfinite", "max_consecutive", max_consecutive, 0);
}

void SkipNonfinite::update(UpdateContext& ctx) {
  const std::size_t none = ctx.params.size();
  std::size_t first_bad = none;
  for (std::size_t i : ctx.active)
    if (!detail::all_finite(ctx.updates[i])) { first_bad = i; break; }
  if (first_bad == none) {
    finite_step(ctx);
    return;
  }
  if (state_.consecutive >= max_consecutive_)
    fail("skip_nonfinite: ", state_.consecutive + 1,
         " consecutive steps with non-finite gradients (max_consecutive = ", max_consecutive_,
         "); first non-finite parameter: '", ctx.params[first_bad].name,
         "'; lower the learning rate, or turn on anomaly mode to find the op that made it");
  ++state_.consecutive;
  ++state_.total;
  ctx.consecutive_skips = state_.consecutive;
  ctx.skip = true;
}

void SkipNonfinite::finite_step(UpdateContext& ctx) {
  state_.consecutive = 0;
  ctx.consecutive_skips = 0;
}

bool SkipNonfinite::fuse_into(FusedRun& run) {
  if (!std::isfinite(run.known_norm)) return false;
  run.add(*this, /*changes_updates=*/false);
  return true;
}

void SkipNonfinite::prepare(UpdateContext& ctx) { finite_step(ctx); }

void SkipNonfinite::visit_state(StateVisitor& visitor) {
  visitor.counter("consecutive", state_.consecutive);
  visitor.counter("total", state_.total);
}

TransformPtr skip_nonfinite(std::int64_t max_consecutive) {
  return std::make_unique<SkipNonfinite>(max_consecutive);
}

}  // namespace tg::optim
