// tensor/reduce.hpp — reductions over any set of axes.
//
//   tg::Tensor x = tg::tensor({{1, 2, 3}, {4, 5, 6}});
//   tg::sum(x);                  // 21 (0-d)
//   tg::sum(x, {0});             // [5, 7, 9]
//   tg::mean(x, {-1}, true);     // [[2], [5]]  (keepdim: shape [2, 1])
//   tg::argmax(x, 1);            // [2, 2]  (i64)
//   tg::sum_to(x, {1, 3});       // [[5, 7, 9]]  (undoes a broadcast of [1, 3])
//
// `axes` may hold negative axes; an empty list means every axis. With
// `keepdim` the reduced axes stay as size 1 (handy for broadcasting back).
// The result has x's dtype (argmax/argmin: i64); sum/max/min work on i64
// (an i64 sum is exact, modulo 2^64), mean and norm need f32/f64.
//
// Summation order is fixed by the shape (blocks summed in SIMD, blocks
// combined pairwise), never by the thread count, so results are bitwise
// reproducible; the rounding error of an f32 sum grows like log n, not n.
// See Note [deterministic sums] in tensor/reduce_kernels.hpp.
//
// Empty inputs follow NumPy: the sum of nothing is 0, the mean NaN, a norm 0.
// NaN propagates through max/min, and argmax/argmin return the first NaN.
//
// Errors: axis out of range or repeated (`sum: axis 2 is out of range for a
// 2-d tensor (valid: -2..1)`); a dtype that is not floating for mean/norm;
// max/min/argmax/argmin over an empty axis (there is no identity):
// `max: cannot reduce an empty axis 1 of shape [3, 0] (no identity)`.
#pragma once

#include "tensor/tensor.hpp"

namespace tg {

/// sum_i x_i over `axes`.
Tensor sum(const Tensor& x, const Axes& axes = {}, bool keepdim = false);
/// sum / count over `axes` (f32/f64); NaN where the count is 0.
Tensor mean(const Tensor& x, const Axes& axes = {}, bool keepdim = false);
/// Largest element over `axes`; NaN if any element is NaN.
Tensor max(const Tensor& x, const Axes& axes = {}, bool keepdim = false);
/// Smallest element over `axes`; NaN if any element is NaN.
Tensor min(const Tensor& x, const Axes& axes = {}, bool keepdim = false);
/// p-norm (sum |x_i|^p)^(1/p) over `axes` for p >= 1, max |x_i| for p = inf
/// (f32/f64). p = 2 squares without rescaling, so f32 entries beyond ~1e19
/// overflow. Throws for p < 1 (not a norm).
Tensor norm(const Tensor& x, double p = 2.0, const Axes& axes = {}, bool keepdim = false);
/// Index (i64) of the first maximum along `axis` (or of the first NaN).
Tensor argmax(const Tensor& x, std::int64_t axis, bool keepdim = false);
/// Index (i64, 0-d) of the first maximum of the flattened tensor.
Tensor argmax(const Tensor& x);
/// Index (i64) of the first minimum along `axis` (or of the first NaN).
Tensor argmin(const Tensor& x, std::int64_t axis, bool keepdim = false);

/// Sums `x` down to `shape`, undoing a broadcast: the reverse of expand().
/// Sums the leading axes x has beyond `shape` and the axes where `shape` has
/// 1, then returns a tensor of exactly `shape`; returns x itself (no copy)
/// when there is nothing to sum. The engine uses it to reduce gradients of
/// broadcast inputs. Throws if `shape` does not broadcast to x.shape():
/// `sum_to: shape [3, 3] does not broadcast to [2, 3, 4] (dimension 1: 3 vs 4); ...`.
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace tg
