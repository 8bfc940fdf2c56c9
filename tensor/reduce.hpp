// tensor/reduce.hpp — reductions over any set of axes.
//
// `axes` may hold negative axes; an empty list means every axis. With
// `keepdim` the reduced axes stay as size 1 (handy for broadcasting back).
// Summation order is fixed by the shape (blocked pairwise sums), never by the
// thread count, so results are bitwise reproducible. f32 sums accumulate in
// f32 blocks combined pairwise (error O(log n)).
//
// Errors: axis out of range; max/min/argmax over an empty axis (no identity):
// `max: cannot reduce an empty axis 1 of shape [3, 0] (no identity)`.
#pragma once

#include "tensor/tensor.hpp"

namespace tg {

Tensor sum(const Tensor& x, const Axes& axes = {}, bool keepdim = false);
Tensor mean(const Tensor& x, const Axes& axes = {}, bool keepdim = false);  // floating
Tensor max(const Tensor& x, const Axes& axes = {}, bool keepdim = false);   // NaN propagates
Tensor min(const Tensor& x, const Axes& axes = {}, bool keepdim = false);
/// p-norm (sum |x|^p)^(1/p), p >= 1 or inf; floating.
Tensor norm(const Tensor& x, double p = 2.0, const Axes& axes = {}, bool keepdim = false);
/// Index (i64) of the first maximum along `axis`.
Tensor argmax(const Tensor& x, std::int64_t axis, bool keepdim = false);
/// Index (i64, 0-d) of the first maximum of the flattened tensor.
Tensor argmax(const Tensor& x);
Tensor argmin(const Tensor& x, std::int64_t axis, bool keepdim = false);

/// Sums `x` down to `shape`, undoing a broadcast: the reverse of expand().
/// `shape` must broadcast to x.shape(). The engine uses it to reduce
/// gradients of broadcast inputs.
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace tg
