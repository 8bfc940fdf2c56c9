#include "optim/scale_by_adam.hpp"

#include <algorithm>
#include <cmath>

#include "optim/detail.hpp"
#include "tensor/creation.hpp"

namespace tg::optim {

ScaleByAdam::ScaleByAdam(double beta1, double beta2, double eps, bool amsgrad)
    : beta1_(beta1), beta2_(beta2), eps_(eps), amsgrad_(amsgrad) {
  detail::require_unit_interval("scale_by_adam", "beta1", beta1);
  detail::require_unit_interval("scale_by_adam", "beta2", beta2);
  detail::require_positive("scale_by_adam", "eps", eps);
}

void ScaleByAdam::init(const nn::ParameterList& params) {
  state_ = AdamState{};
  for (const auto& p : params) {
    state_.mu.push_back(zeros_like(p.var.value()));
    state_.nu.push_back(zeros_like(p.var.value()));
    state_.nu_max.push_back(amsgrad_ ? zeros_like(p.var.value()) : Tensor());
  }
}

void ScaleByAdam::update(UpdateContext& ctx) {
  const double t = double(++state_.count);
  const double correction1 = 1.0 - std::pow(beta1_, t);
  const double sqrt_correction2 = std::sqrt(1.0 - std::pow(beta2_, t));
  for (std::size_t i : ctx.active) {
    Tensor& u = ctx.updates[i];
    dispatch_floating(u.dtype(), "scale_by_adam", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* g = u.data<T>();
      T* m = state_.mu[i].data<T>();
      T* v = state_.nu[i].data<T>();
      T* v_max = amsgrad_ ? state_.nu_max[i].data<T>() : nullptr;
      const T b1 = T(beta1_), b2 = T(beta2_);
      for (std::int64_t j = 0; j < u.numel(); ++j) {
        m[j] = b1 * m[j] + (T(1) - b1) * g[j];
        v[j] = b2 * v[j] + (T(1) - b2) * g[j] * g[j];
        T second = v[j];
        if (v_max) second = v_max[j] = std::max(v_max[j], v[j]);
        g[j] = T((m[j] / correction1) / (std::sqrt(second) / sqrt_correction2 + eps_));
      }
    });
  }
}

void ScaleByAdam::visit_state(StateVisitor& visitor) {
  visitor.counter("count", state_.count);
  visitor.tensors("mu", state_.mu);
  visitor.tensors("nu", state_.nu);
  if (amsgrad_) visitor.tensors("nu_max", state_.nu_max);
}

TransformPtr scale_by_adam(double beta1, double beta2, double eps, bool amsgrad) {
  return std::make_unique<ScaleByAdam>(beta1, beta2, eps, amsgrad);
}

}  // namespace tg::optim
