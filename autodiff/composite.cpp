// Composite ops: written with primitives only, so their gradients (of any
// order) come from the engine. No backward in this file.
#include <cmath>
#include <limits>
#include <numbers>

#include "autodiff/functional.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/reduce.hpp"

namespace tg {

namespace {
Var constant(Tensor t) { return Var(std::move(t), false); }

// 1 where the value is finite, 0 for +-inf and NaN.
Tensor finite_mask(const Tensor& t) {
  const double inf = std::numeric_limits<double>::infinity();
  return mul(gt(t, -inf), lt(t, inf));
}
}  // namespace

Var square(const Var& x) { return x * x; }

Var mean(const Var& x, const Axes& axes, bool keepdim) {
  std::int64_t count = 1;
  for (std::int64_t a : normalize_axes(axes, x.dim(), "mean")) count *= x.shape()[a];
  return sum(x, axes, keepdim) / static_cast<double>(count);
}

Var min(const Var& x, const Axes& axes, bool keepdim) { return -max(-x, axes, keepdim); }

Var transpose(const Var& x, std::int64_t axis0, std::int64_t axis1) {
  if (x.dim() < 2) return x;
  Axes order(static_cast<std::size_t>(x.dim()));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
  std::swap(order[normalize_axis(axis0, x.dim(), "transpose")],
            order[normalize_axis(axis1, x.dim(), "transpose")]);
  return permute(x, order);
}

Var squeeze(const Var& x, std::int64_t axis) { return reshape(x, x.value().squeeze(axis).shape()); }
Var unsqueeze(const Var& x, std::int64_t axis) {
  return reshape(x, x.value().unsqueeze(axis).shape());
}

Var flatten(const Var& x, std::int64_t start_axis) {
  if (x.dim() == 0) return reshape(x, {1});
  const std::int64_t s = normalize_axis(start_axis, x.dim(), "flatten");
  Shape shape(x.shape().begin(), x.shape().begin() + s);
  shape.push_back(-1);
  return reshape(x, shape);
}

Var stack(const std::vector<Var>& xs, std::int64_t axis) {
  if (xs.empty()) fail("stack: expected at least one Var");
  const std::int64_t a = normalize_axis(axis, xs.front().dim() + 1, "stack");
  std::vector<Var> parts;
  for (const Var& x : xs) parts.push_back(unsqueeze(x, a));
  return cat(parts, a);
}

// Note [broadcast reduction]
// If an input of shape [3] was broadcast against [2, 3], each of its
// elements was used twice, so its gradient is the sum of the two rows of the
// [2, 3] output gradient. In general: sum over the leading axes the input
// lacked and over the axes where it had size 1, then drop the leading ones.
Var sum_to(const Var& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  broadcast_shapes(shape, x.shape(), "sum_to");  // validates
  const std::int64_t lead = x.dim() - static_cast<std::int64_t>(shape.size());
  if (lead < 0)
    fail("sum_to: cannot sum ", shape_str(x.shape()), " to the larger shape ", shape_str(shape));
  Axes axes;
  for (std::int64_t i = 0; i < x.dim(); ++i)
    if (i < lead || (shape[i - lead] == 1 && x.shape()[i] != 1)) axes.push_back(i);
  const Var summed = axes.empty() ? x : sum(x, axes, /*keepdim=*/true);
  return reshape(summed, shape);
}

Var softmax(const Var& x, std::int64_t axis) { return exp(log_softmax(x, axis)); }

// logsumexp(x) = m + log(sum(exp(x - m))), m the (constant) row maximum.
// A row of all -inf has no finite maximum: there we use m = 0, and keep the
// log away from 0 so that the gradient is 0, not 0 * inf = NaN.
Var logsumexp(const Var& x, std::int64_t axis, bool keepdim) {
  const std::int64_t a = normalize_axis(axis, x.dim(), "logsumexp");
  const Tensor m = tg::max(x.value(), {a}, /*keepdim=*/true);
  const Tensor shift = where(finite_mask(m), m, zeros_like(m));
  const Var s = sum(exp(x - constant(shift)), {a}, /*keepdim=*/true);
  const Tensor positive = gt(s.value(), 0.0);
  const Var s_safe = where(positive, s, constant_like(s, 1.0));
  const double neg_inf = -std::numeric_limits<double>::infinity();
  Var out = where(positive, log(s_safe), constant_like(s, neg_inf)) + constant(shift);
  return keepdim ? out : squeeze(out, a);
}

// log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): exp never overflows. maximum
// (not relu) gives the right derivative 1/2 at exactly 0.
Var softplus(const Var& x) {
  return maximum(x, constant_like(x, 0.0)) + log(1.0 + exp(-abs(x)));
}

Var logsigmoid(const Var& x) { return -softplus(-x); }

Var gelu(const Var& x) {
  const double c = std::sqrt(2.0 / std::numbers::pi);
  return 0.5 * x * (1.0 + tanh(c * (x + 0.044715 * x * x * x)));
}

Var leaky_relu(const Var& x, double slope) {
  return where(gt(x.value(), 0.0), x, slope * x);
}

// Note [norm at zero]
// sqrt(s) has an infinite derivative at s = 0, and x / ||x|| is 0/0 there. We
// evaluate the root only where s > 0 (elsewhere on a harmless 1) and select 0
// for the zero rows: where() sends them no gradient, so the gradient at x = 0
// is 0, the minimum-norm subgradient.
Var norm(const Var& x, double p, const Axes& axes, bool keepdim) {
  if (std::isinf(p) && p > 0) return max(abs(x), axes, keepdim);
  if (!(p >= 1)) fail("norm: p must be >= 1 or inf, got ", p);
  if (p == 1) return sum(abs(x), axes, keepdim);
  const Var s = p == 2 ? sum(x * x, axes, keepdim) : sum(pow(abs(x), p), axes, keepdim);
  const Tensor positive = gt(s.value(), 0.0);
  const Var s_safe = where(positive, s, constant_like(s, 1.0));
  const Var root = p == 2 ? sqrt(s_safe) : pow(s_safe, 1.0 / p);
  return where(positive, root, constant_like(s, 0.0));
}

Var conv2d(const Var& x, const Var& weight, const Var& bias, std::int64_t stride,
           std::int64_t padding, std::int64_t dilation) {
  if (x.dim() != 4 || weight.dim() != 4)
    fail("conv2d: expected x [N, C, H, W] and weight [O, C, kh, kw], got ", shape_str(x.shape()),
         " and ", shape_str(weight.shape()));
  if (x.shape()[1] != weight.shape()[1])
    fail("conv2d: input has ", x.shape()[1], " channels but the weight expects ",
         weight.shape()[1], " (x ", shape_str(x.shape()), ", weight ", shape_str(weight.shape()), ")");
  Conv2dGeometry g;
  g.kernel_h = weight.shape()[2];
  g.kernel_w = weight.shape()[3];
  g.stride_h = g.stride_w = stride;
  g.pad_h = g.pad_w = padding;
  g.dilation_h = g.dilation_w = dilation;
  const std::int64_t n = x.shape()[0], o = weight.shape()[0];
  const std::int64_t oh = g.out_h(x.shape()[2]), ow = g.out_w(x.shape()[3]);
  const Var cols = im2col(x, g);                                       // [N, C*kh*kw, OH*OW]
  const Var w = reshape(weight, {o, -1});                              // [O, C*kh*kw]
  Var out = reshape(matmul(w, cols), {n, o, oh, ow});                  // [N, O, OH, OW]
  if (bias.defined()) {
    if (bias.shape() != Shape{o})
      fail("conv2d: bias must have shape [", o, "], got ", shape_str(bias.shape()));
    out = out + reshape(bias, {1, o, 1, 1});
  }
  return out;
}

namespace {
// Windows of every channel as columns: [N, C, H, W] -> [N*C, k*k, OH*OW].
Var pool_windows(const Var& x, std::int64_t kernel, std::int64_t stride, std::int64_t padding,
                 const char* op, Shape& out_shape) {
  if (x.dim() != 4) fail(op, ": expected x [N, C, H, W], got ", shape_str(x.shape()));
  Conv2dGeometry g;
  g.kernel_h = g.kernel_w = kernel;
  g.stride_h = g.stride_w = stride > 0 ? stride : kernel;
  g.pad_h = g.pad_w = padding;
  const std::int64_t n = x.shape()[0], c = x.shape()[1];
  out_shape = {n, c, g.out_h(x.shape()[2]), g.out_w(x.shape()[3])};
  return im2col(reshape(x, {n * c, 1, x.shape()[2], x.shape()[3]}), g);
}
}  // namespace

Var max_pool2d(const Var& x, std::int64_t kernel, std::int64_t stride, std::int64_t padding) {
  Shape out_shape;
  if (padding == 0) {
    const Var windows = pool_windows(x, kernel, stride, 0, "max_pool2d", out_shape);
    return reshape(max(windows, {1}), out_shape);
  }
  // im2col pads with zeros, which could win the max over negative values:
  // shift the input so that every real value is above 0, then shift back.
  const Tensor shift = sub(tg::min(x.value()), 1.0);
  const Var shifted = x - constant(shift);
  const Var windows = pool_windows(shifted, kernel, stride, padding, "max_pool2d", out_shape);
  return reshape(max(windows, {1}), out_shape) + constant(shift);
}

Var avg_pool2d(const Var& x, std::int64_t kernel, std::int64_t stride, std::int64_t padding) {
  Shape out_shape;
  const Var windows = pool_windows(x, kernel, stride, padding, "avg_pool2d", out_shape);
  return reshape(mean(windows, {1}), out_shape);
}

}  // namespace tg
