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

Tensor matmul(const Tensor& a, const Tensor& b);

}  // namespace tg
