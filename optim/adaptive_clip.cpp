#include "optim/adaptive_clip.hpp"

#include <algorithm>
#include <cmath>

#include "optim/detail.hpp"

namespace tg::optim {

AdaptiveClip::AdaptiveClip(double lambda, double eps) : lambda_(lambda), eps_(eps) {
  detail::require_positive("adaptive_clip", "lambda", lambda);
  detail::require_positive("adaptive_clip", "eps", eps);
}

void AdaptiveClip::update(UpdateContext& ctx) {
  for (std::size_t i : ctx.active) clip_units(ctx.updates[i], ctx.params[i].var.value(), ctx);
}

void AdaptiveClip::clip_units(Tensor& grad, const Tensor& weight, UpdateContext& ctx) const {
  const std::vector<double> g2 = detail::unit_sum_squares(grad);
  const std::vector<double> w2 = detail::unit_sum_squares(weight);
  const std::int64_t per_unit = detail::unit_size(grad);
  dispatch_floating(grad.dtype(), "adaptive_clip", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* g = grad.data<T>();
    for (std::size_t u = 0; u < g2.size(); ++u) {
      const double limit = lambda_ * std::max(std::sqrt(w2[u]), eps_);
      const double norm = std::sqrt(g2[u]);
      if (!(norm > limit)) continue;
      const T scale = T(limit / norm);
      for (std::int64_t j = 0; j < per_unit; ++j) g[std::int64_t(u) * per_unit + j] *= scale;
      ctx.clipped = true;
    }
  });
}

TransformPtr adaptive_clip(double lambda, double eps) {
  return std::make_unique<AdaptiveClip>(lambda, eps);
}

}  // namespace tg::optim
