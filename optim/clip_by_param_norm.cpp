#include "optim/clip_by_param_norm.hpp"

#include <cmath>

#include "optim/detail.hpp"
#include "tensor/elementwise.hpp"

namespace tg::optim {

ClipByParamNorm::ClipByParamNorm(double max_norm) : max_norm_(max_norm) {
  detail::require_positive("clip_by_param_norm", "max_norm", max_norm);
}

void ClipByParamNorm::update(UpdateContext& ctx) {
  for (std::size_t i : ctx.active) {
    const double norm = std::sqrt(detail::sum_squares(ctx.updates[i]));
    if (!(norm > max_norm_)) continue;
    mul_(ctx.updates[i], max_norm_ / norm);
    ctx.clipped = true;
  }
}

TransformPtr clip_by_param_norm(double max_norm) {
  return std::make_unique<ClipByParamNorm>(max_norm);
}

}  // namespace tg::optim
