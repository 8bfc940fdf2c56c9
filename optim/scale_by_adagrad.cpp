#include "optim/scale_by_adagrad.hpp"

#include <cmath>

#include "optim/detail.hpp"
#include "tensor/creation.hpp"

namespace tg::optim {

ScaleByAdagrad::ScaleByAdagrad(double eps, double initial_accumulator)
    : eps_(eps), initial_accumulator_(initial_accumulator) {
  detail::require_positive("scale_by_adagrad", "eps", eps);
  detail::require_non_negative("scale_by_adagrad", "initial_accumulator", initial_accumulator);
}

void ScaleByAdagrad::init(const nn::ParameterList& params) {
  state_ = AdagradState{};
  for (const auto& p : params)
    state_.sum_of_squares.push_back(full_like(p.var.value(), initial_accumulator_));
}

void ScaleByAdagrad::update_chunk(UpdateContext&, const Chunk& chunk) {
  dispatch_floating(chunk.dtype, "scale_by_adagrad", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* __restrict g = chunk.update<T>();
    T* __restrict s = chunk.of<T>(state_.sum_of_squares[chunk.param]);
    for (std::int64_t j = 0; j < chunk.size; ++j) {
      s[j] += g[j] * g[j];
      g[j] = g[j] / (std::sqrt(s[j]) + T(eps_));
    }
  });
}

void ScaleByAdagrad::visit_state(StateVisitor& visitor) {
  visitor.tensors("sum_of_squares", state_.sum_of_squares);
}

TransformPtr scale_by_adagrad(double eps, double initial_accumulator) {
  return std::make_unique<ScaleByAdagrad>(eps, initial_accumulator);
}

}  // namespace tg::optim
