#include "optim/add_l2_to_grad.hpp"

#include "optim/detail.hpp"
#include "tensor/elementwise.hpp"

namespace tg::optim {

AddL2ToGrad::AddL2ToGrad(double lambda, bool adaptive_ok)
    : lambda_(lambda), adaptive_ok_(adaptive_ok) {
  detail::require_non_negative("add_l2_to_grad", "lambda", lambda);
}

void AddL2ToGrad::update(UpdateContext& ctx) {
  if (lambda_ == 0) return;
  for (std::size_t i : ctx.active) add_(ctx.updates[i], ctx.params[i].var.value(), lambda_);
}

TransformPtr add_l2_to_grad(double lambda, bool adaptive_ok) {
  return std::make_unique<AddL2ToGrad>(lambda, adaptive_ok);
}

}  // namespace tg::optim
