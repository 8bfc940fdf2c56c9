// tensor/softmax.hpp — numerically stable softmax family along one axis.
//
//   softmax(x)_i     = exp(x_i - m) / sum_j exp(x_j - m),  m = max_j x_j
//   log_softmax(x)_i = x_i - m - log(sum_j exp(x_j - m))
//   logsumexp(x)     = m + log(sum_j exp(x_j - m))
//
// Subtracting the row maximum keeps exp() from overflowing, so logits of
// +-1e4 give finite results. logsumexp of a row of -inf is -inf, of a row
// holding +inf is +inf (never NaN); of an empty row, -inf (log of an empty
// sum). softmax/log_softmax of a row that is all -inf or holds +inf are NaN,
// as in NumPy/PyTorch. f32 and f64; i64 is an error, and so is an axis out of
// range. A 0-d tensor is a row of one element (softmax 1, logsumexp x).
//
// Any axis works without a transposed copy; the last axis (contiguous rows)
// is the fast path, with SIMD max and exp. The row sums use the same
// deterministic pairwise tree as tg::sum, so results never depend on the
// thread count.
#pragma once

#include "tensor/tensor.hpp"

namespace tg {

/// exp(x - m) / sum exp(x - m) along `axis`; same shape as x.
Tensor softmax(const Tensor& x, std::int64_t axis = -1);
/// (x - m) - log(sum exp(x - m)) along `axis`; same shape as x.
Tensor log_softmax(const Tensor& x, std::int64_t axis = -1);
/// m + log(sum exp(x - m)) along `axis`, which is removed (kept as 1 with keepdim).
Tensor logsumexp(const Tensor& x, std::int64_t axis = -1, bool keepdim = false);

}  // namespace tg
