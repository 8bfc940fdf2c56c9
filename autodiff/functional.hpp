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
// elementwise binary, broadcasting
Var add(const Var& a, const Var& b);       // d/da = 1, d/db = 1
Var sub(const Var& a, const Var& b);       // d/da = 1, d/db = -1
Var mul(const Var& a, const Var& b);       // d/da = b, d/db = a
Var div(const Var& a, const Var& b);       // d/da = 1/b, d/db = -a/b^2
Var pow(const Var& a, const Var& b);       // d/da = b a^(b-1), d/db = a^b log a
Var maximum(const Var& a, const Var& b);   // gradient to the larger; ties split in half
Var minimum(const Var& a, const Var& b);

// elementwise unary
Var neg(const Var& x);
Var pow(const Var& x, double exponent);    // d/dx x^c = c x^(c-1)
Var exp(const Var& x);
Var log(const Var& x);
Var sqrt(const Var& x);
Var abs(const Var& x);                     // |x|'(0) = 0
Var sign(const Var& x);                    // gradient 0
Var tanh(const Var& x);
Var sigmoid(const Var& x);
Var relu(const Var& x);                    // relu'(0) = 0
Var clamp(const Var& x, double lo, double hi);  // gradient 1 inside [lo, hi], else 0
/// cond ? a : b; `cond` is a constant mask (non-zero = true).
Var where(const Tensor& cond, const Var& a, const Var& b);
/// A copy in another floating dtype; the gradient is cast back.
Var cast(const Var& x, DType dtype);

// reductions
Var sum(const Var& x, const Axes& axes = {}, bool keepdim = false);
/// Maximum over axes; the gradient is shared equally among tied maxima.
Var max(const Var& x, const Axes& axes = {}, bool keepdim = false);
/// x - logsumexp(x) along `axis`, computed stably (a fused primitive: the
/// composite form would overflow in exp for large logits).
Var log_softmax(const Var& x, std::int64_t axis = -1);

// shape and indexing (views of the value; gradients routed back)
Var reshape(const Var& x, Shape shape);
Var permute(const Var& x, const Axes& order);
Var slice(const Var& x, std::int64_t axis, std::int64_t start, std::int64_t stop,
          std::int64_t step = 1);
Var expand(const Var& x, const Shape& shape);
/// Concatenation along an existing axis.
Var cat(const std::vector<Var>& xs, std::int64_t axis = 0);
/// out[..i..] = x[..index[..i..]..] along `axis` (torch.gather); index is i64
/// with the same number of dimensions as x.
Var gather(const Var& x, std::int64_t axis, const Tensor& index);
/// base with src added at the positions `index` names along `axis`
/// (torch.scatter_add); the adjoint of gather.
Var scatter_add(const Var& base, std::int64_t axis, const Tensor& index, const Var& src);

// linear algebra and convolution
Var matmul(const Var& a, const Var& b);
Var im2col(const Var& x, const Conv2dGeometry& g);
Var col2im(const Var& cols, const Shape& image_shape, const Conv2dGeometry& g);

// ---------------------------------------------------------------- composites
Var square(const Var& x);
Var mean(const Var& x, const Axes& axes = {}, bool keepdim = false);
Var min(const Var& x, const Axes& axes = {}, bool keepdim = false);
Var transpose(const Var& x, std::int64_t axis0, std::int64_t axis1);
Var squeeze(const Var& x, std::int64_t axis);
Var unsqueeze(const Var& x, std::int64_t axis);
Var flatten(const Var& x, std::int64_t start_axis = 0);
Var stack(const std::vector<Var>& xs, std::int64_t axis = 0);
/// Sums x down to `shape` (reverse of broadcasting); what the engine uses
/// to reduce gradients of broadcast inputs (Note [broadcast reduction]).
Var sum_to(const Var& x, const Shape& shape);

/// exp(log_softmax(x)).
Var softmax(const Var& x, std::int64_t axis = -1);
/// log(sum(exp(x))) along axis; a row of all -inf gives -inf with gradient 0.
Var logsumexp(const Var& x, std::int64_t axis = -1, bool keepdim = false);
/// log(1 + e^x) = relu(x) + log(1 + e^-|x|), stable for any x.
Var softplus(const Var& x);
/// log(sigmoid(x)) = -softplus(-x).
Var logsigmoid(const Var& x);
/// x * Phi(x) with the tanh approximation (Hendrycks & Gimpel 2016):
/// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
Var gelu(const Var& x);
/// x for x > 0, slope * x otherwise.
Var leaky_relu(const Var& x, double slope = 0.01);
/// p-norm over axes (p = 1, 2, or any p >= 1); gradient 0 (not NaN) at x = 0.
Var norm(const Var& x, double p = 2.0, const Axes& axes = {}, bool keepdim = false);

/// 2-d convolution (cross-correlation, as in PyTorch) built from im2col and
/// matmul: x [N, C, H, W], weight [O, C, kh, kw], bias [O] or undefined
/// -> [N, O, OH, OW]; kernel size is taken from the weight.
Var conv2d(const Var& x, const Var& weight, const Var& bias = Var(), std::int64_t stride = 1,
           std::int64_t padding = 0, std::int64_t dilation = 1);
/// Max over k x k windows of each channel: x [N, C, H, W] -> [N, C, OH, OW]
/// (stride defaults to k; padding never wins the max, as in PyTorch).
Var max_pool2d(const Var& x, std::int64_t kernel, std::int64_t stride = 0, std::int64_t padding = 0);
/// Mean over k x k windows (padding counts as zeros, PyTorch's default).
Var avg_pool2d(const Var& x, std::int64_t kernel, std::int64_t stride = 0, std::int64_t padding = 0);

// ---------------------------------------------------------------- operators
inline Var operator+(const Var& a, const Var& b) { return add(a, b); }
inline Var operator-(const Var& a, const Var& b) { return sub(a, b); }
inline Var operator*(const Var& a, const Var& b) { return mul(a, b); }
inline Var operator/(const Var& a, const Var& b) { return div(a, b); }
inline Var operator-(const Var& x) { return neg(x); }
/// A constant (no gradient) 0-d Var of `like`'s dtype.
Var constant_like(const Var& like, double value);
inline Var operator+(const Var& a, double b) { return add(a, constant_like(a, b)); }
inline Var operator-(const Var& a, double b) { return sub(a, constant_like(a, b)); }
inline Var operator*(const Var& a, double b) { return mul(a, constant_like(a, b)); }
inline Var operator/(const Var& a, double b) { return div(a, constant_like(a, b)); }
inline Var operator+(double a, const Var& b) { return add(constant_like(b, a), b); }
inline Var operator-(double a, const Var& b) { return sub(constant_like(b, a), b); }
inline Var operator*(double a, const Var& b) { return mul(constant_like(b, a), b); }
inline Var operator/(double a, const Var& b) { return div(constant_like(b, a), b); }

}  // namespace tg
