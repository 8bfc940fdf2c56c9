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

/// Joins tensors along an existing axis: out.shape[axis] = sum of the inputs'
/// extents. All inputs share dtype and every extent except `axis`.
/// @throws tg::Error on an empty list, 0-d inputs, differing dtypes or shapes,
///         or an axis out of range.
Tensor cat(const std::vector<Tensor>& xs, std::int64_t axis = 0);
/// Joins tensors along a new axis, inserted at `axis` (in [-dim-1, dim]).
/// All inputs share dtype and shape.
/// @throws tg::Error on an empty list, differing shapes or dtypes, or an axis out of range.
Tensor stack(const std::vector<Tensor>& xs, std::int64_t axis = 0);
/// index has x's number of dimensions and, on every axis but `axis`, an
/// extent no larger than x's; the result has index's shape and x's dtype:
/// out[...i...] = x[... index[...i...] ... ] (the index replaces the `axis`
/// coordinate), as torch.gather.
/// @throws tg::Error if index is not i64, the ranks or extents do not fit, or
///         an index is outside [0, x.size(axis)) (negative indices are errors).
Tensor gather(const Tensor& x, std::int64_t axis, const Tensor& index);
/// src has index's shape; index's extents fit in base's except on `axis`.
/// Returns a new tensor (base is not modified): out = base, then
/// out[...index[...i...]...] += src[...i...] (repeated indices accumulate).
/// src must have base's dtype.
/// @throws tg::Error on the same conditions as gather, or if src's shape or
///         dtype does not match.
Tensor scatter_add(const Tensor& base, std::int64_t axis, const Tensor& index, const Tensor& src);
/// The slices of x at positions `indices` (1-d i64) along `axis`; out has x's
/// shape with out.shape[axis] = indices.numel(), and x's dtype.
/// @throws tg::Error if indices is not 1-d i64 or an index is outside [0, x.size(axis)).
Tensor index_select(const Tensor& x, std::int64_t axis, const Tensor& indices);
/// labels (i64, any shape) -> labels.shape + [num_classes], 1 at each label,
/// 0 elsewhere, in `dtype`.
/// @throws tg::Error if labels is not i64, num_classes <= 0, or a label is
///         outside [0, num_classes).
Tensor one_hot(const Tensor& labels, std::int64_t num_classes, DType dtype = DType::f32);

}  // namespace tg
