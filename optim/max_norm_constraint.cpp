#include "optim/max_norm_constraint.hpp"

#include <cmath>

#include "optim/detail.hpp"

namespace tg::optim {

MaxNormConstraint::MaxNormConstraint(double max_norm) : max_norm_(max_norm) {
  detail::require_positive("max_norm_constraint", "max_norm", max_norm);
}

void MaxNormConstraint::after_step(UpdateContext& ctx) {
  for (std::size_t i : ctx.active) {
    const Tensor w = ctx.params[i].var.value();
    const std::vector<double> norms2 = detail::unit_sum_squares(w);
    const std::int64_t per_unit = detail::unit_size(w);
    dispatch_floating(w.dtype(), "max_norm_constraint", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* x = w.data<T>();
      for (std::size_t u = 0; u < norms2.size(); ++u) {
        const double norm = std::sqrt(norms2[u]);
        if (!(norm > max_norm_)) continue;
        const T scale = T(max_norm_ / norm);
        for (std::int64_t j = 0; j < per_unit; ++j) x[std::int64_t(u) * per_unit + j] *= scale;
      }
    });
    detail::mark_modified(w);
  }
}

TransformPtr max_norm_constraint(double max_norm) {
  return std::make_unique<MaxNormConstraint>(max_norm);
}

}  // namespace tg::optim
