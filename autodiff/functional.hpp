// autodiff/functional.hpp — differentiable ops on tg::Var.
//
// Two kinds live here, and the difference matters for reading the code:
//   - primitives (listed in autodiff/op_table.hpp) have a hand-written
//     backward next to their forward in autodiff/ops/*.cpp;
//   - composites (autodiff/composite.cpp) are written with primitives only
//     and get their gradient from the engine, for free.
// Shapes, dtypes and broadcasting follow the tensor ops of the same name
// (tensor/elementwise.hpp, reduce.hpp, ...), and so do their errors.
// Scalars (double) become constants of the Var's dtype.
#pragma once

#include <vector>

#include "autodiff/var.hpp"

namespace tg {

// ---------------------------------------------------------------- primitives
// elementwise binary, broadcasting: out has the broadcast shape; a and b share
// a dtype. The engine sums each gradient back to its input's shape.

/// a + b (tg::add).  d/da = 1, d/db = 1
Var add(const Var& a, const Var& b);
/// a - b (tg::sub).  d/da = 1, d/db = -1
Var sub(const Var& a, const Var& b);
/// a * b (tg::mul).  d/da = b, d/db = a
Var mul(const Var& a, const Var& b);
/// a / b (tg::div).  d/da = 1/b, d/db = -a/b^2
Var div(const Var& a, const Var& b);
/// a^b (tg::pow, floating).  d/da = b a^(b-1), d/db = a^b log a (taken as 0 where a = 0)
Var pow(const Var& a, const Var& b);
/// max(a, b) (tg::maximum).  The gradient goes to the larger; ties split in half.
Var maximum(const Var& a, const Var& b);
/// min(a, b) (tg::minimum).  The gradient goes to the smaller; ties split in half.
Var minimum(const Var& a, const Var& b);

// elementwise unary: out has x's shape and dtype.

/// -x.  d/dx = -1
Var neg(const Var& x);
/// x^c (tg::pow, floating).  d/dx x^c = c x^(c-1); c = 0 gives gradient 0 everywhere.
Var pow(const Var& x, double exponent);
/// e^x (floating).  d/dx = e^x
Var exp(const Var& x);
/// ln x (floating).  d/dx = 1/x
Var log(const Var& x);
/// sqrt(x) (floating).  d/dx = 1 / (2 sqrt(x))
Var sqrt(const Var& x);
/// |x|.  d/dx = sign(x), so |x|'(0) = 0
Var abs(const Var& x);
/// sign(x) in {-1, 0, 1}.  Gradient 0.
Var sign(const Var& x);
/// tanh(x) (floating).  d/dx = 1 - tanh(x)^2
Var tanh(const Var& x);
/// 1 / (1 + e^-x) (floating).  d/dx = sigmoid(x) (1 - sigmoid(x))
Var sigmoid(const Var& x);
/// max(x, 0).  d/dx = [x > 0], so relu'(0) = 0
Var relu(const Var& x);
/// min(max(x, lo), hi).  Gradient 1 inside [lo, hi] (bounds included), else 0.
/// @throws tg::Error if lo > hi.
Var clamp(const Var& x, double lo, double hi);
/// cond ? a : b, all three broadcast (tg::where); `cond` is a constant mask
/// (non-zero = true).  d/da = [cond], d/db = [not cond].
Var where(const Tensor& cond, const Var& a, const Var& b);
/// x converted to another floating dtype (Tensor::to, made contiguous); the gradient is cast back.
Var cast(const Var& x, DType dtype);

// reductions: `axes` as in tensor/reduce.hpp (empty = all, negative allowed);
// out has the reduced shape (size-1 axes kept with keepdim).

/// sum_i x_i over `axes` (tg::sum).  d/dx_i = 1: the gradient is copied to every summed element.
/// @throws tg::Error if an axis is out of range or repeated.
Var sum(const Var& x, const Axes& axes = {}, bool keepdim = false);
/// Maximum over axes (tg::max); the gradient is shared equally among tied maxima.
/// @throws tg::Error if an axis is out of range or repeated, or a reduced axis is empty.
Var max(const Var& x, const Axes& axes = {}, bool keepdim = false);
/// x - logsumexp(x) along `axis`, computed stably (a fused primitive: the
/// composite form would overflow in exp for large logits); same shape as x.
/// d/dx = grad - softmax(x) * sum(grad) along `axis`.
/// @throws tg::Error for i64 or an axis out of range.
Var log_softmax(const Var& x, std::int64_t axis = -1);

// shape and indexing (views of the value; gradients routed back)

/// Tensor::reshape (one extent may be -1).  The gradient is reshaped back.
Var reshape(const Var& x, Shape shape);
/// Tensor::permute.  The gradient is permuted by the inverse order.
Var permute(const Var& x, const Axes& order);
/// Tensor::slice (Python rules, step > 0).  The gradient returns to the
/// sliced positions and is 0 elsewhere.
Var slice(const Var& x, std::int64_t axis, std::int64_t start, std::int64_t stop,
          std::int64_t step = 1);
/// Tensor::expand (broadcast view).  The gradient is summed back (sum_to).
Var expand(const Var& x, const Shape& shape);
/// Concatenation along an existing axis (tg::cat).  Each input gets its slice of the gradient.
Var cat(const std::vector<Var>& xs, std::int64_t axis = 0);
/// out[..i..] = x[..index[..i..]..] along `axis` (torch.gather); index is i64
/// with the same number of dimensions as x.  d/dx = scatter_add of the gradient onto zeros.
/// @throws tg::Error as tg::gather (non-i64 index, bad shapes, index out of range).
Var gather(const Var& x, std::int64_t axis, const Tensor& index);
/// base with src added at the positions `index` names along `axis`
/// (torch.scatter_add); the adjoint of gather.  d/dbase = grad, d/dsrc = gather(grad, axis, index).
/// @throws tg::Error as tg::scatter_add.
Var scatter_add(const Var& base, std::int64_t axis, const Tensor& index, const Var& src);

// linear algebra and convolution

/// Matrix product with NumPy's rules (tg::matmul, tensor/linalg.hpp): batch
/// axes broadcast, 1-d operands are vectors.  dA = grad B^T, dB = A^T grad
/// (an operand that does not require a gradient is skipped).
/// @throws tg::Error on 0-d operands or any tg::matmul error.
Var matmul(const Var& a, const Var& b);
/// tg::im2col: x [N, C, H, W] -> [N, C*kh*kw, OH*OW].  Its backward is col2im.
Var im2col(const Var& x, const Conv2dGeometry& g);
/// tg::col2im: cols -> [N, C, H, W], summing overlaps.  Its backward is im2col.
Var col2im(const Var& cols, const Shape& image_shape, const Conv2dGeometry& g);

// ---------------------------------------------------------------- composites

/// x * x.
Var square(const Var& x);
/// sum(x, axes, keepdim) / (number of elements summed); an empty reduction divides by 0.
Var mean(const Var& x, const Axes& axes = {}, bool keepdim = false);
/// -max(-x, axes, keepdim): minimum over axes; tied minima share the gradient.
Var min(const Var& x, const Axes& axes = {}, bool keepdim = false);
/// Swaps two axes (a permute); x itself when x has fewer than 2 axes.
/// @throws tg::Error if an axis is out of range.
Var transpose(const Var& x, std::int64_t axis0, std::int64_t axis1);
/// Removes `axis`, which must have size 1 (a reshape).
/// @throws tg::Error if that axis does not have size 1.
Var squeeze(const Var& x, std::int64_t axis);
/// Inserts a size-1 axis at `axis` (in [-dim-1, dim]; a reshape).
Var unsqueeze(const Var& x, std::int64_t axis);
/// Merges axes start_axis.. into one: [2, 3, 4] with start 1 -> [2, 12]; a 0-d x gives [1].
Var flatten(const Var& x, std::int64_t start_axis = 0);
/// Joins Vars of equal shape along a new axis at `axis` (unsqueeze + cat).
/// @throws tg::Error on an empty list, differing shapes or dtypes.
Var stack(const std::vector<Var>& xs, std::int64_t axis = 0);
/// Sums x down to `shape` (reverse of broadcasting); what the engine uses
/// to reduce gradients of broadcast inputs (Note [broadcast reduction]).
/// Returns x itself when the shapes already match.
/// @throws tg::Error if `shape` does not broadcast to x.shape().
Var sum_to(const Var& x, const Shape& shape);

/// exp(log_softmax(x)) along `axis`; same shape as x.
Var softmax(const Var& x, std::int64_t axis = -1);
/// log(sum(exp(x))) along axis, computed as m + log(sum(exp(x - m))) with m the
/// row maximum; `axis` is removed unless keepdim. A row of all -inf gives -inf
/// with gradient 0.  d/dx = softmax(x).
Var logsumexp(const Var& x, std::int64_t axis = -1, bool keepdim = false);
/// log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), stable for any x; the gradient
/// sigmoid(x) is exact at 0 (1/2).
Var softplus(const Var& x);
/// log(sigmoid(x)) = -softplus(-x).
Var logsigmoid(const Var& x);
/// x * Phi(x) with the tanh approximation (Hendrycks & Gimpel 2016):
/// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
Var gelu(const Var& x);
/// x for x > 0, slope * x otherwise (gradient `slope` at 0).
Var leaky_relu(const Var& x, double slope = 0.01);
/// p-norm (sum |x_i|^p)^(1/p) over axes for p >= 1, max |x_i| for p = inf;
/// gradient 0 (not NaN) at x = 0 (Note [norm at zero] in composite.cpp).
/// @throws tg::Error if p < 1 (or NaN).
Var norm(const Var& x, double p = 2.0, const Axes& axes = {}, bool keepdim = false);

/// 2-d convolution (cross-correlation, as in PyTorch) built from im2col and
/// matmul: x [N, C, H, W], weight [O, C, kh, kw], bias [O] or undefined
/// -> [N, O, OH, OW]; kernel size is taken from the weight. stride, padding
/// and dilation apply to both spatial axes; OH as in tensor/im2col.hpp.
/// @throws tg::Error if x or weight is not 4-d, the channel counts differ,
///         bias is defined but not of shape [O], or the geometry does not fit.
Var conv2d(const Var& x, const Var& weight, const Var& bias = Var(), std::int64_t stride = 1,
           std::int64_t padding = 0, std::int64_t dilation = 1);
/// Max over k x k windows of each channel: x [N, C, H, W] -> [N, C, OH, OW]
/// (stride <= 0 means stride k, the default; padding never wins the max, as in
/// PyTorch). Tied maxima share the gradient.
/// @throws tg::Error if x is not 4-d or the window does not fit.
Var max_pool2d(const Var& x, std::int64_t kernel, std::int64_t stride = 0, std::int64_t padding = 0);
/// Mean over k x k windows of each channel: x [N, C, H, W] -> [N, C, OH, OW]
/// (stride <= 0 means stride k; padding counts as zeros, PyTorch's default).
/// @throws tg::Error if x is not 4-d or the window does not fit.
Var avg_pool2d(const Var& x, std::int64_t kernel, std::int64_t stride = 0, std::int64_t padding = 0);

// ---------------------------------------------------------------- operators
/// add(a, b).
inline Var operator+(const Var& a, const Var& b) { return add(a, b); }
/// sub(a, b).
inline Var operator-(const Var& a, const Var& b) { return sub(a, b); }
/// mul(a, b).
inline Var operator*(const Var& a, const Var& b) { return mul(a, b); }
/// div(a, b).
inline Var operator/(const Var& a, const Var& b) { return div(a, b); }
/// neg(x).
inline Var operator-(const Var& x) { return neg(x); }
/// A constant (no gradient) 0-d Var of `like`'s dtype.
Var constant_like(const Var& like, double value);
/// a + b, b a constant of a's dtype.
inline Var operator+(const Var& a, double b) { return add(a, constant_like(a, b)); }
/// a - b, b a constant of a's dtype.
inline Var operator-(const Var& a, double b) { return sub(a, constant_like(a, b)); }
/// a * b, b a constant of a's dtype.
inline Var operator*(const Var& a, double b) { return mul(a, constant_like(a, b)); }
/// a / b, b a constant of a's dtype.
inline Var operator/(const Var& a, double b) { return div(a, constant_like(a, b)); }
/// a + b, a a constant of b's dtype.
inline Var operator+(double a, const Var& b) { return add(constant_like(b, a), b); }
/// a - b, a a constant of b's dtype.
inline Var operator-(double a, const Var& b) { return sub(constant_like(b, a), b); }
/// a * b, a a constant of b's dtype.
inline Var operator*(double a, const Var& b) { return mul(constant_like(b, a), b); }
/// a / b, a a constant of b's dtype.
inline Var operator/(double a, const Var& b) { return div(constant_like(b, a), b); }

}  // namespace tg
