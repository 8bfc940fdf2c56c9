// tensor/indexing.hpp — joining tensors and picking elements by index.
//
//   cat({a, b}, 0)          joins along an existing axis
//   stack({a, b}, 0)        joins along a new axis
//   gather(x, 1, idx)       out[i][j] = x[i][idx[i][j]]        (torch.gather)
//   scatter_add(b, 1, idx, s)  out = b; out[i][idx[i][j]] += s[i][j]
//   index_select(x, 0, rows)   the rows of x listed in `rows` (a batch)
//   one_hot(labels, 10)     [N] i64 labels -> [N, 10] of 0/1
//
// Index tensors are i64. Every index is checked: an index outside its axis
// is an error naming the op, the value, the axis size and the position.
#pragma once

#include <vector>

#include "tensor/tensor.hpp"

namespace tg {

/// All inputs share dtype and every extent except `axis`.
Tensor cat(const std::vector<Tensor>& xs, std::int64_t axis = 0);
/// All inputs share dtype and shape; the new axis is inserted at `axis`.
Tensor stack(const std::vector<Tensor>& xs, std::int64_t axis = 0);
/// index has x's number of dimensions and, on every axis but `axis`, an
/// extent no larger than x's; the result has index's shape.
Tensor gather(const Tensor& x, std::int64_t axis, const Tensor& index);
/// src has index's shape; index's extents fit in base's except on `axis`.
/// Returns a new tensor (base is not modified).
Tensor scatter_add(const Tensor& base, std::int64_t axis, const Tensor& index, const Tensor& src);
/// The slices of x at positions `indices` (1-d i64) along `axis`.
Tensor index_select(const Tensor& x, std::int64_t axis, const Tensor& indices);
/// labels (i64, any shape) -> labels.shape + [num_classes], 1 at each label.
Tensor one_hot(const Tensor& labels, std::int64_t num_classes, DType dtype = DType::f32);

}  // namespace tg
