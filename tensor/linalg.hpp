// tensor/linalg.hpp — matrix products on tensors.
//
// matmul follows NumPy/PyTorch:
//   [M, K] @ [K, N]             -> [M, N]
//   [..., M, K] @ [..., K, N]   -> [..., M, N]  (batch axes broadcast)
//   a 1-d operand is treated as a row (left) or column (right) vector, and
//   that axis is removed from the result.
// Both operands must be floating with the same dtype. 0-d operands and
// mismatched inner dimensions are errors:
//   `matmul: inner dimensions differ: [32, 784] @ [128, 10] (784 != 128)`.
// Transposed views (e.g. x.transpose(-1, -2)) are passed to GEMM as
// transposed operands, without copying.
#pragma once

#include "tensor/tensor.hpp"

namespace tg {

/// Matrix product out = a @ b, out[..., i, j] = sum_k a[..., i, k] * b[..., k, j],
/// with NumPy's rules (top of this file): batch axes broadcast, a 1-d operand
/// is a vector whose axis is dropped from the result. Result: a new tensor of
/// the operands' dtype. Runs tg::gemm per matrix.
/// @throws tg::Error on a 0-d or undefined operand, a non-floating or mixed
///         dtype, differing inner dimensions, or batch axes that do not broadcast.
Tensor matmul(const Tensor& a, const Tensor& b);

}  // namespace tg
