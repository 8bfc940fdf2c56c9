// tensor/softmax.hpp — numerically stable softmax family along one axis.
//
//   softmax(x)_i     = exp(x_i - m) / sum_j exp(x_j - m),  m = max_j x_j
//   log_softmax(x)_i = x_i - m - log(sum_j exp(x_j - m))
//   logsumexp(x)     = m + log(sum_j exp(x_j - m))
//
// Subtracting the row maximum keeps exp() from overflowing. A row that is
// all -inf has logsumexp -inf (and softmax NaN, as in NumPy/PyTorch).
#pragma once

#include "tensor/tensor.hpp"

namespace tg {

Tensor softmax(const Tensor& x, std::int64_t axis = -1);
Tensor log_softmax(const Tensor& x, std::int64_t axis = -1);
Tensor logsumexp(const Tensor& x, std::int64_t axis = -1, bool keepdim = false);

}  // namespace tg
