#include "optim/proximal_l1.hpp"

#include <cmath>

#include "optim/detail.hpp"

namespace tg::optim {

ProximalL1::ProximalL1(double lambda) : lambda_(lambda) {
  detail::require_non_negative("proximal_l1", "lambda", lambda);
}

void ProximalL1::after_step(UpdateContext& ctx) {
  if (std::isnan(ctx.learning_rate))
    fail("proximal_l1: the chain has no scale_by_learning_rate to take the step size from");
  const double threshold = ctx.learning_rate * lambda_;
  for (std::size_t i : ctx.active) {
    const Tensor theta = ctx.params[i].var.value();
    dispatch_floating(theta.dtype(), "proximal_l1", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* x = theta.data<T>();
      for (std::int64_t j = 0; j < theta.numel(); ++j) {
        const T shrunk = std::abs(x[j]) - T(threshold);
        x[j] = shrunk > 0 ? std::copysign(shrunk, x[j]) : T(0);
      }
    });
    detail::mark_modified(theta);
  }
}

TransformPtr proximal_l1(double lambda) { return std::make_unique<ProximalL1>(lambda); }

}  // namespace tg::optim
