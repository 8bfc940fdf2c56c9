// Reduction primitives: sum, max, and the fused log-softmax.
#include "autodiff/functional.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/reduce.hpp"
#include "tensor/softmax.hpp"

namespace tg {

namespace {
Var constant(Tensor t) { return Var(std::move(t), false); }

// The gradient of a reduction has the reduced shape; put the reduced axes
// back as size 1 and broadcast it over the input.
Var spread(const Var& grad, const Shape& input_shape, const Axes& axes) {
  return expand(reshape(grad, reduced_shape(input_shape, axes, /*keepdim=*/true)), input_shape);
}
}  // namespace

// d/dx_i sum(x) = 1: the output gradient is copied to every summed element.
Var sum(const Var& x, const Axes& axes, bool keepdim) {
  OpAttrs attrs;
  attrs.axes = normalize_axes(axes, x.dim(), "sum");
  attrs.flag = keepdim;
  return record(OpId::sum, tg::sum(x.value(), axes, keepdim), {x},
                [](const Node& n, const Var& grad) -> Grads {
                  return {spread(grad, n.inputs[0].shape(), n.attrs.axes)};
                },
                attrs);
}

// d/dx_i max(x) = [x_i = max] / (number of maxima): ties share the gradient.
Var max(const Var& x, const Axes& axes, bool keepdim) {
  OpAttrs attrs;
  attrs.axes = normalize_axes(axes, x.dim(), "max");
  attrs.flag = keepdim;
  return record(OpId::max, tg::max(x.value(), axes, keepdim), {x},
                [](const Node& n, const Var& grad) -> Grads {
                  const Tensor& x = n.inputs[0].value();
                  const Shape kept = reduced_shape(x.shape(), n.attrs.axes, true);
                  const Tensor is_max = eq(x, n.out().value().reshape(kept).expand(x.shape()));
                  const Tensor count = sum(is_max, n.attrs.axes, /*keepdim=*/true);
                  return {spread(grad, x.shape(), n.attrs.axes) * constant(div(is_max, count))};
                },
                attrs);
}

// y = log_softmax(x):  dx = grad - softmax(x) * sum(grad)  (sums along axis)
Var log_softmax(const Var& x, std::int64_t axis) {
  OpAttrs attrs;
  attrs.int0 = normalize_axis(axis, x.dim(), "log_softmax");
  return record(OpId::log_softmax, tg::log_softmax(x.value(), axis), {x},
                [](const Node& n, const Var& grad) -> Grads {
                  const Var softmax = exp(n.out());
                  return {grad - softmax * sum(grad, {n.attrs.int0}, /*keepdim=*/true)};
                },
                attrs);
}

}  // namespace tg
