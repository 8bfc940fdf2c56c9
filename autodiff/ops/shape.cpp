// Shape and indexing primitives: the forward is a view (or a gather); the
// backward routes each gradient element back to where it came from.
#include <algorithm>

#include "autodiff/functional.hpp"
#include "tensor/creation.hpp"
#include "tensor/indexing.hpp"

namespace tg {

namespace {
Var constant(Tensor t) { return Var(std::move(t), false); }
}  // namespace

// reshape is a bijection on elements: reshape the gradient back.
Var reshape(const Var& x, Shape shape) {
  return record(OpId::reshape, x.value().reshape(std::move(shape)), {x},
                [](const Node& n, const Var& grad) -> Grads {
                  return {reshape(grad, n.inputs[0].shape())};
                });
}

// permute moves axes: apply the inverse permutation to the gradient.
Var permute(const Var& x, const Axes& order) {
  OpAttrs attrs;
  attrs.axes = order;
  return record(OpId::permute, x.value().permute(order), {x},
                [](const Node& n, const Var& grad) -> Grads {
                  Axes inverse(n.attrs.axes.size());
                  for (std::size_t i = 0; i < inverse.size(); ++i) {
                    const std::int64_t nd = static_cast<std::int64_t>(inverse.size());
                    const std::int64_t a = n.attrs.axes[i] < 0 ? n.attrs.axes[i] + nd : n.attrs.axes[i];
                    inverse[a] = static_cast<std::int64_t>(i);
                  }
                  return {permute(grad, inverse)};
                },
                attrs);
}

namespace {
// A Var of zeros shaped like `like` except `extent` on `axis` (a constant).
Var zeros_along(const Var& like, std::int64_t axis, std::int64_t extent) {
  Shape shape = like.shape();
  shape[axis] = extent;
  return constant(zeros(shape, like.dtype()));
}
}  // namespace

// slice picks elements start, start+step, ... : the gradient goes back to
// those positions and is 0 elsewhere. Built with cat and reshape, so that it
// stays differentiable: interleave step-1 zero rows after each gradient row,
// then pad with zeros before `start` and after the end.
Var slice(const Var& x, std::int64_t axis, std::int64_t start, std::int64_t stop, std::int64_t step) {
  const Tensor out = x.value().slice(axis, start, stop, step);
  OpAttrs attrs;
  attrs.int0 = normalize_axis(axis, x.dim(), "slice");
  const std::int64_t n = x.shape()[attrs.int0];  // Python-style start, as Tensor::slice does
  attrs.int1 = std::clamp<std::int64_t>(start < 0 ? start + n : start, 0, n);
  attrs.int2 = step;
  return record(OpId::slice, out, {x},
                [](const Node& n, const Var& grad) -> Grads {
                  const std::int64_t a = n.attrs.int0, begin = n.attrs.int1, step = n.attrs.int2;
                  const std::int64_t full = n.inputs[0].shape()[a];
                  const std::int64_t len = grad.shape()[a];
                  Var g = grad;
                  if (step > 1 && len > 0) {  // [.., len, ..] -> [.., len * step, ..]
                    Var rows = unsqueeze(g, a + 1);
                    Var gaps = zeros_along(rows, a + 1, step - 1);
                    Shape spread_shape = g.shape();
                    spread_shape[a] = len * step;
                    g = reshape(cat({rows, gaps}, a + 1), spread_shape);
                  }
                  const std::int64_t used = std::min(g.shape()[a], full - begin);
                  if (used != g.shape()[a]) g = slice(g, a, 0, used);
                  std::vector<Var> parts;
                  if (begin > 0) parts.push_back(zeros_along(g, a, begin));
                  parts.push_back(g);
                  if (full - begin - used > 0) parts.push_back(zeros_along(g, a, full - begin - used));
                  return {parts.size() == 1 ? g : cat(parts, a)};
                },
                attrs);
}

// expand repeats elements: their gradients add up (sum_to).
Var expand(const Var& x, const Shape& shape) {
  return record(OpId::expand, x.value().expand(shape), {x},
                [](const Node& n, const Var& grad) -> Grads {
                  return {sum_to(grad, n.inputs[0].shape())};
                });
}

// cat places inputs side by side: each gets its own slice of the gradient.
Var cat(const std::vector<Var>& xs, std::int64_t axis) {
  std::vector<Tensor> values;
  for (const Var& x : xs) values.push_back(x.value());
  const Tensor out = tg::cat(values, axis);
  OpAttrs attrs;
  attrs.int0 = normalize_axis(axis, out.dim(), "cat");
  return record(OpId::cat, out, xs,
                [](const Node& n, const Var& grad) -> Grads {
                  Grads grads;
                  std::int64_t at = 0;
                  for (const Var& x : n.inputs) {
                    const std::int64_t len = x.shape()[n.attrs.int0];
                    const bool need = x.requires_grad();
                    grads.push_back(need ? slice(grad, n.attrs.int0, at, at + len) : Var());
                    at += len;
                  }
                  return grads;
                },
                attrs);
}

// gather reads x at the indexed positions: its adjoint adds the gradient
// back at those positions (scatter_add onto zeros).
Var gather(const Var& x, std::int64_t axis, const Tensor& index) {
  OpAttrs attrs;
  attrs.int0 = normalize_axis(axis, x.dim(), "gather");
  return record(OpId::gather, tg::gather(x.value(), axis, index), {x, Var(index)},
                [](const Node& n, const Var& grad) -> Grads {
                  const Var base = constant(zeros_like(n.inputs[0].value()));
                  return {scatter_add(base, n.attrs.int0, n.inputs[1].value(), grad), Var()};
                },
                attrs);
}

// scatter_add(base, idx, src) = base + (src placed at idx):
// d/dbase = identity, d/dsrc = gather of the gradient at idx.
Var scatter_add(const Var& base, std::int64_t axis, const Tensor& index, const Var& src) {
  OpAttrs attrs;
  attrs.int0 = normalize_axis(axis, base.dim(), "scatter_add");
  return record(OpId::scatter_add, tg::scatter_add(base.value(), axis, index, src.value()),
                {base, Var(index), src},
                [](const Node& n, const Var& grad) -> Grads {
                  const Var& src = n.inputs[2];
                  if (!src.requires_grad()) return {grad, Var(), Var()};
                  return {grad, Var(), gather(grad, n.attrs.int0, n.inputs[1].value())};
                },
                attrs);
}

}  // namespace tg
