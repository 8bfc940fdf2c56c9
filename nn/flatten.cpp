#include "nn/flatten.hpp"

#include <algorithm>

#include "autodiff/functional.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

Var Flatten::forward(const Var& x) {
  if (!x.defined()) fail("Flatten: the input is undefined");
  // A 0-d input flattens like a 1-d one of one element (as in PyTorch).
  const std::int64_t rank = std::max<std::int64_t>(x.dim(), 1);
  const std::int64_t start = start_axis_ < 0 ? start_axis_ + rank : start_axis_;
  const std::int64_t end = end_axis_ < 0 ? end_axis_ + rank : end_axis_;
  if (start < 0 || start >= rank || end < 0 || end >= rank || start > end)
    fail("Flatten: axes ", start_axis_, "..", end_axis_, " do not name a range of the input's ",
         rank, " axes (input ", shape_str(x.shape()), ")");
  if (x.dim() == 0) return reshape(x, {1});
  Shape shape(x.shape().begin(), x.shape().begin() + start);
  std::int64_t merged = 1;
  for (std::int64_t d = start; d <= end; ++d) merged *= x.shape()[d];
  shape.push_back(merged);
  shape.insert(shape.end(), x.shape().begin() + end + 1, x.shape().end());
  return reshape(x, shape);
}

}  // namespace tg::nn
