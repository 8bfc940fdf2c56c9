#include "optim/add_l2_to_grad.hpp"

#include <limits>

#include "optim/detail.hpp"

namespace tg::optim {

AddL2ToGrad::AddL2ToGrad(double lambda, bool adaptive_ok)
    : lambda_(lambda), adaptive_ok_(adaptive_ok) {
  detail::require_non_negative("add_l2_to_grad", "lambda", lambda);
}

void AddL2ToGrad::update_chunk(UpdateContext&, const Chunk& chunk) {
  if (lambda_ == 0) return;
  detail::add_scaled_value(chunk, lambda_, "add_l2_to_grad");
}

double AddL2ToGrad::value_coefficient(std::size_t) const {
  return lambda_ == 0 ? std::numeric_limits<double>::quiet_NaN() : lambda_;
}

TransformPtr add_l2_to_grad(double lambda, bool adaptive_ok) {
  return std::make_unique<AddL2ToGrad>(lambda, adaptive_ok);
}

}  // namespace tg::optim
