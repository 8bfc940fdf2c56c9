// tensor/print.hpp — printing tensors the way NumPy does.
//
//   std::cout << tg::tensor({{1, 2}, {3, 4}});
//   tensor([[1., 2.],
//           [3., 4.]], dtype=f32)
// Large tensors are summarised with "..." (first and last 3 per axis).
#pragma once

#include <iosfwd>
#include <string>

#include "tensor/tensor.hpp"

namespace tg {

std::string to_string(const Tensor& x);
std::ostream& operator<<(std::ostream& os, const Tensor& x);

}  // namespace tg
