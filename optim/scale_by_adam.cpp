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

void ScaleByAdam::prepare(UpdateContext&) {
  const double t = double(++state_.count);
  correction1_ = 1.0 - std::pow(beta1_, t);
  sqrt_correction2_ = std::sqrt(1.0 - std::pow(beta2_, t));
}

void ScaleByAdam::update_chunk(UpdateContext&, const Chunk& chunk) {
  const std::size_t i = chunk.param;
  const double correction1 = correction1_, sqrt_correction2 = sqrt_correction2_;
  dispatch_floating(chunk.dtype, "scale_by_adam", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* __restrict g = chunk.update<T>();
    T* __restrict m = chunk.of<T>(state_.mu[i]);
    T* __restrict v = chunk.of<T>(state_.nu[i]);
    T* __restrict v_max = amsgrad_ ? chunk.of<T>(state_.nu_max[i]) : nullptr;
    const T b1 = T(beta1_), b2 = T(beta2_);
    for (std::int64_t j = 0; j < chunk.size; ++j) {
      m[j] = b1 * m[j] + (T(1) - b1) * g[j];
      v[j] = b2 * v[j] + (T(1) - b2) * g[j] * g[j];
      T second = v[j];
      if (v_max) second = v_max[j] = std::max(v_max[j], v[j]);
      g[j] = T((m[j] / correction1) / (std::sqrt(second) / sqrt_correction2 + eps_));
    }
  });
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
