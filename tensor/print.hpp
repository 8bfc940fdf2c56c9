// tensor/print.hpp — printing tensors the way PyTorch's repr does.
//
//   std::cout << tg::tensor({{1, 2}, {3, 4}});
//   tensor([[1., 2.],
//           [3., 4.]], dtype=f32)
//
// Floats print with 4 decimals in aligned columns (`0.5000`), integer-valued
// floats as `1.`, and switch to scientific notation (`1.0000e+10`) when the
// values span more than x1000, exceed 1e8 or fall below 1e-4; i64 prints as
// integers. Lines wrap at 80 columns. Tensors of more than 1000 elements are
// summarised with "..." (first and last 3 per axis). 0-d: `tensor(3., dtype=f32)`;
// empty: `tensor([], shape=[0, 3], dtype=f32)`.
#pragma once

#include <iosfwd>
#include <string>

#include "tensor/tensor.hpp"

namespace tg {

/// The repr described above; `tensor(undefined)` for an undefined tensor.
std::string to_string(const Tensor& x);
/// Writes to_string(x) to `os`.
std::ostream& operator<<(std::ostream& os, const Tensor& x);

}  // namespace tg
