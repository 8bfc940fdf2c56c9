#include "optim/add_l2_to_grad.hpp"

#include "optim/detail.hpp"
#include "tensor/elementwise.hpp"

namespace tg::optim {

AddL2ToGrad::AddL2ToGrad(double lambda, bool adaptive_ok)
    : lambda_(lambda), adaptive_ok_(adaptive_ok) {
  detail::require_non_negative("add_l2_to_grad", "lambda", lambda);
}

void AddL2ToGrad::update_chunk(UpdateContext&, const Chunk& chunk) {
  if (lambda_ == 0) return;
  dispatch_floating(chunk.dtype, "add_l2_to_grad", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* u = chunk.update<T>();
    const T* theta = chunk.value<T>();
    const T lambda = static_cast<T>(lambda_);  // as add_(u, θ, λ) rounds it
    for (std::int64_t k = 0; k < chunk.size; ++k) u[k] = u[k] + lambda * theta[k];
  });
}

TransformPtr add_l2_to_grad(double lambda, bool adaptive_ok) {
  return std::make_unique<AddL2ToGrad>(lambda, adaptive_ok);
}

}  // namespace tg::optim
