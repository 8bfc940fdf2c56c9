#include "optim/scale_by_rms.hpp"

#include <cmath>

#include "optim/detail.hpp"
#include "tensor/creation.hpp"

namespace tg::optim {

ScaleByRms::ScaleByRms(double decay, double eps, bool centered)
    : decay_(decay), eps_(eps), centered_(centered) {
  detail::require_unit_interval("scale_by_rms", "decay", decay);
  detail::require_positive("scale_by_rms", "eps", eps);
}

void ScaleByRms::init(const nn::ParameterList& params) {
  state_ = RmsState{};
  for (const auto& p : params) {
    state_.nu.push_back(zeros_like(p.var.value()));
    state_.mu.push_back(centered_ ? zeros_like(p.var.value()) : Tensor());
  }
}

void ScaleByRms::update_chunk(UpdateContext&, const Chunk& chunk) {
  const std::size_t i = chunk.param;
  dispatch_floating(chunk.dtype, "scale_by_rms", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* __restrict g = chunk.update<T>();
    T* __restrict v = chunk.of<T>(state_.nu[i]);
    T* __restrict m = centered_ ? chunk.of<T>(state_.mu[i]) : nullptr;
    const T a = T(decay_);
    for (std::int64_t j = 0; j < chunk.size; ++j) {
      v[j] = a * v[j] + (T(1) - a) * g[j] * g[j];
      T variance = v[j];
      if (m) {
        m[j] = a * m[j] + (T(1) - a) * g[j];
        variance = v[j] - m[j] * m[j];
      }
      g[j] = g[j] / (std::sqrt(variance) + T(eps_));
    }
  });
}

void ScaleByRms::visit_state(StateVisitor& visitor) {
  visitor.tensors("nu", state_.nu);
  if (centered_) visitor.tensors("mu", state_.mu);
}

TransformPtr scale_by_rms(double decay, double eps, bool centered) {
  return std::make_unique<ScaleByRms>(decay, eps, centered);
}

}  // namespace tg::optim
