#include "optim/clip_by_global_norm.hpp"

#include <algorithm>
#include <cmath>

#include "optim/detail.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/error.hpp"
#include "tensor/reduce.hpp"

namespace tg::optim {

ClipByGlobalNorm::ClipByGlobalNorm(Schedule max_norm, NonfinitePolicy on_nonfinite)
    : max_norm_(std::move(max_norm)), on_nonfinite_(on_nonfinite) {
  detail::require_positive("clip_by_global_norm", "max_norm", max_norm_.initial());
}

namespace {

// sqrt(Σ u²) for finite updates whose squares overflow double: scaled by the
// largest |u| first (the classic hypot trick).
double rescaled_norm(const UpdateContext& ctx) {
  double largest = 0;
  for (std::size_t i : ctx.active) largest = std::max(largest, max(abs(ctx.updates[i])).item());
  double sum = 0;
  for (std::size_t i : ctx.active) sum += detail::sum_squares(div(ctx.updates[i], largest));
  return largest * std::sqrt(sum);
}

}  // namespace

double ClipByGlobalNorm::next_max_norm() {
  const double max_norm = max_norm_(state_.count++);
  detail::require_positive("clip_by_global_norm", "max_norm", max_norm);
  return max_norm;
}

// Whether, and by how much, to scale this step (last_norm_ measured).
void ClipByGlobalNorm::decide(UpdateContext& ctx, double max_norm) {
  scaling_ = last_norm_ > max_norm;  // below the threshold: leave the bits alone
  if (!scaling_) return;
  scale_ = max_norm / last_norm_;
  ctx.clipped = true;
}

void ClipByGlobalNorm::update(UpdateContext& ctx) {
  const double max_norm = next_max_norm();
  scaling_ = false;
  double sum = 0;
  for (std::size_t i : ctx.active) sum += detail::sum_squares(ctx.updates[i]);
  last_norm_ = std::sqrt(sum);
  if (!std::isfinite(last_norm_)) {
    std::size_t first_bad = ctx.params.size();
    for (std::size_t i : ctx.active)
      if (!detail::all_finite(ctx.updates[i])) { first_bad = i; break; }
    if (first_bad == ctx.params.size()) {
      last_norm_ = rescaled_norm(ctx);  // finite values, overflowing squares
    } else if (on_nonfinite_ == NonfinitePolicy::error) {
      fail("clip_by_global_norm: the gradient norm is ", last_norm_,
           "; first non-finite parameter: '", ctx.params[first_bad].name,
           "'; lower the learning rate, turn on anomaly mode to find the op that made it, or "
           "choose NonfinitePolicy::skip (or put skip_nonfinite first) to skip such steps");
    } else if (on_nonfinite_ == NonfinitePolicy::skip) {
      ctx.skip = true;
      return;
    } else {
      return;  // propagate: the caller asked for the NaN to pass
    }
  }
  decide(ctx, max_norm);
  if (!scaling_) return;
  for (std::size_t i : ctx.active) mul_(ctx.updates[i], scale_);
}

// A finite known norm needs none of update()'s special cases.
bool ClipByGlobalNorm::fuse_into(FusedRun& run) {
  if (!std::isfinite(run.known_norm)) return false;
  run.add(*this);
  return true;
}

void ClipByGlobalNorm::prepare(UpdateContext& ctx) {
  const double max_norm = next_max_norm();
  last_norm_ = ctx.known_norm;
  decide(ctx, max_norm);
}

void ClipByGlobalNorm::update_chunk(UpdateContext&, const Chunk& chunk) {
  if (!scaling_) return;
  dispatch_floating(chunk.dtype, "clip_by_global_norm", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* u = chunk.update<T>();
    const T scale = static_cast<T>(scale_);  // what mul_(u, scale) multiplies by
    for (std::int64_t k = 0; k < chunk.size; ++k) u[k] = u[k] * scale;
  });
}

void ClipByGlobalNorm::visit_state(StateVisitor& visitor) { visitor.counter("count", state_.count); }

TransformPtr clip_by_global_norm(Schedule max_norm, NonfinitePolicy on_nonfinite) {
  return std::make_unique<ClipByGlobalNorm>(std::move(max_norm), on_nonfinite);
}

}  // namespace tg::optim
