// Elementwise binary primitives. Each backward returns gradients with the
// broadcast (output) shape; the engine sums them back to each input's shape
// (Note [broadcast reduction] in autodiff/composite.cpp). An input that does
// not require a gradient (a constant factor, the data) gets an undefined Var
// instead of a computed one: the engine would drop it anyway, and in a chain
// of y = y * c that halves the backward's work (PyTorch's needs_input_grad).
#include "autodiff/functional.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"

namespace tg {

namespace {
Var constant(Tensor t) { return Var(std::move(t), false); }
}  // namespace

// d(a+b)/da = 1, d(a+b)/db = 1
Var add(const Var& a, const Var& b) {
  return record(OpId::add, tg::add(a.value(), b.value()), {a, b},
                [](const Node&, const Var& grad) -> Grads { return {grad, grad}; });
}

// d(a-b)/da = 1, d(a-b)/db = -1
Var sub(const Var& a, const Var& b) {
  return record(OpId::sub, tg::sub(a.value(), b.value()), {a, b},
                [](const Node& n, const Var& grad) -> Grads {
                  return {grad, n.inputs[1].requires_grad() ? -grad : Var()};
                });
}

// d(ab)/da = b, d(ab)/db = a
Var mul(const Var& a, const Var& b) {
  return record(OpId::mul, tg::mul(a.value(), b.value()), {a, b},
                [](const Node& n, const Var& grad) -> Grads {
                  const Var& a = n.inputs[0];
                  const Var& b = n.inputs[1];
                  return {a.requires_grad() ? grad * b : Var(),
                          b.requires_grad() ? grad * a : Var()};
                });
}

// d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -out/b
Var div(const Var& a, const Var& b) {
  return record(OpId::div, tg::div(a.value(), b.value()), {a, b},
                [](const Node& n, const Var& grad) -> Grads {
                  const Var& b = n.inputs[1];
                  const Var grad_a = grad / b;
                  if (!b.requires_grad()) return {grad_a, Var()};
                  return {grad_a, -(grad_a * n.out())};  // grad/b * a/b = grad a/b^2
                });
}

// d(a^b)/da = b a^(b-1), d(a^b)/db = a^b log(a)  (taken as 0 where a = 0)
Var pow(const Var& a, const Var& b) {
  return record(OpId::pow, tg::pow(a.value(), b.value()), {a, b},
                [](const Node& n, const Var& grad) -> Grads {
                  const Var& a = n.inputs[0];
                  const Var& b = n.inputs[1];
                  const Var grad_a = a.requires_grad() ? grad * b * pow(a, b - 1.0) : Var();
                  if (!b.requires_grad()) return {grad_a, Var()};
                  // log(0) = -inf would make 0 * -inf = NaN; the limit of a^b log a is 0.
                  const Tensor a_zero = eq(a.value(), zeros_like(a.value()));
                  const Var safe_a = where(a_zero, constant_like(a, 1.0), a);
                  const Var grad_b = grad * n.out() * log(safe_a);
                  return {grad_a, grad_b};
                });
}

namespace {
// The gradient share of `a` in max(a, b): 1 where a wins, 1/2 on ties, else 0.
// (PyTorch's convention; the subgradient average at the kink.)
Tensor winner_share(const Tensor& a, const Tensor& b, bool larger) {
  const Tensor wins = larger ? gt(a, b) : lt(a, b);
  return add(wins, mul(eq(a, b), 0.5));
}
}  // namespace

// d max(a,b)/da = [a > b] + [a = b]/2
Var maximum(const Var& a, const Var& b) {
  return record(OpId::maximum, tg::maximum(a.value(), b.value()), {a, b},
                [](const Node& n, const Var& grad) -> Grads {
                  const Tensor& a = n.inputs[0].value();
                  const Tensor& b = n.inputs[1].value();
                  const bool need_a = n.inputs[0].requires_grad();
                  const bool need_b = n.inputs[1].requires_grad();
                  return {need_a ? grad * constant(winner_share(a, b, true)) : Var(),
                          need_b ? grad * constant(winner_share(b, a, true)) : Var()};
                });
}

// d min(a,b)/da = [a < b] + [a = b]/2
Var minimum(const Var& a, const Var& b) {
  return record(OpId::minimum, tg::minimum(a.value(), b.value()), {a, b},
                [](const Node& n, const Var& grad) -> Grads {
                  const Tensor& a = n.inputs[0].value();
                  const Tensor& b = n.inputs[1].value();
                  const bool need_a = n.inputs[0].requires_grad();
                  const bool need_b = n.inputs[1].requires_grad();
                  return {need_a ? grad * constant(winner_share(a, b, false)) : Var(),
                          need_b ? grad * constant(winner_share(b, a, false)) : Var()};
                });
}

Var constant_like(const Var& like, double value) { return constant(scalar(value, like.dtype())); }

}  // namespace tg
