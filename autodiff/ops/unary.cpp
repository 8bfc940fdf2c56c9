// Elementwise unary primitives, plus where and cast.
// Masks (relu, clamp, where) are constants: their derivative is 0 almost
// everywhere, so second derivatives through them come out right.
#include "autodiff/functional.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"

namespace tg {

namespace {
Var constant(Tensor t) { return Var(std::move(t), false); }
}  // namespace

// d/dx (-x) = -1
Var neg(const Var& x) {
  return record(OpId::neg, tg::neg(x.value()), {x},
                [](const Node&, const Var& grad) -> Grads { return {-grad}; });
}

// d/dx x^c = c x^(c-1)
Var pow(const Var& x, double exponent) {
  OpAttrs attrs;
  attrs.scalar = exponent;
  return record(OpId::pow_scalar, tg::pow(x.value(), exponent), {x},
                [](const Node& n, const Var& grad) -> Grads {
                  const double c = n.attrs.scalar;
                  const Var& x = n.inputs[0];
                  if (c == 0) return {constant(zeros_like(x.value()))};  // avoids 0 * x^-1 = NaN at 0
                  if (c == 1) return {grad};
                  return {grad * c * pow(x, c - 1)};
                },
                attrs);
}

// d/dx e^x = e^x
Var exp(const Var& x) {
  return record(OpId::exp, tg::exp(x.value()), {x},
                [](const Node& n, const Var& grad) -> Grads { return {grad * n.out()}; });
}

// d/dx log x = 1/x
Var log(const Var& x) {
  return record(OpId::log, tg::log(x.value()), {x},
                [](const Node& n, const Var& grad) -> Grads { return {grad / n.inputs[0]}; });
}

// d/dx sqrt(x) = 1 / (2 sqrt(x))
Var sqrt(const Var& x) {
  return record(OpId::sqrt, tg::sqrt(x.value()), {x},
                [](const Node& n, const Var& grad) -> Grads { return {grad / (2.0 * n.out())}; });
}

// d/dx |x| = sign(x), with sign(0) = 0
Var abs(const Var& x) {
  return record(OpId::abs, tg::abs(x.value()), {x},
                [](const Node& n, const Var& grad) -> Grads {
                  return {grad * constant(tg::sign(n.inputs[0].value()))};
                });
}

// d/dx sign(x) = 0 (where it exists)
Var sign(const Var& x) {
  return record(OpId::sign, tg::sign(x.value()), {x}, [](const Node& n, const Var&) -> Grads {
    return {constant(zeros_like(n.inputs[0].value()))};
  });
}

// d/dx tanh(x) = 1 - tanh(x)^2
Var tanh(const Var& x) {
  return record(OpId::tanh, tg::tanh(x.value()), {x}, [](const Node& n, const Var& grad) -> Grads {
    const Var out = n.out();
    return {grad * (1.0 - out * out)};
  });
}

// d/dx sigmoid(x) = sigmoid(x) (1 - sigmoid(x))
Var sigmoid(const Var& x) {
  return record(OpId::sigmoid, tg::sigmoid(x.value()), {x},
                [](const Node& n, const Var& grad) -> Grads {
                  const Var out = n.out();
                  return {grad * out * (1.0 - out)};
                });
}

// d/dx relu(x) = [x > 0]  (0 at x = 0)
Var relu(const Var& x) {
  return record(OpId::relu, tg::relu(x.value()), {x}, [](const Node& n, const Var& grad) -> Grads {
    return {grad * constant(gt(n.inputs[0].value(), 0.0))};
  });
}

// d/dx clamp(x, lo, hi) = [lo <= x <= hi]
Var clamp(const Var& x, double lo, double hi) {
  OpAttrs attrs;
  attrs.scalar = lo;
  attrs.scalar2 = hi;
  return record(OpId::clamp, tg::clamp(x.value(), lo, hi), {x},
                [](const Node& n, const Var& grad) -> Grads {
                  const Tensor& x = n.inputs[0].value();
                  const Tensor inside = mul(ge(x, full_like(x, n.attrs.scalar)),
                                            le(x, full_like(x, n.attrs.scalar2)));
                  return {grad * constant(inside)};
                },
                attrs);
}

// d/da where(c, a, b) = [c], d/db = [not c]; the condition gets no gradient.
Var where(const Tensor& cond, const Var& a, const Var& b) {
  return record(OpId::where, tg::where(cond, a.value(), b.value()), {Var(cond), a, b},
                [](const Node& n, const Var& grad) -> Grads {
                  const Tensor& c = n.inputs[0].value();
                  const Var zero = constant_like(grad, 0.0);
                  return {Var(), n.inputs[1].requires_grad() ? where(c, grad, zero) : Var(),
                          n.inputs[2].requires_grad() ? where(c, zero, grad) : Var()};
                });
}

// d/dx cast(x) = identity, cast back to x's dtype
Var cast(const Var& x, DType dtype) {
  OpAttrs attrs;
  attrs.dtype = x.dtype();
  return record(OpId::cast, x.value().to(dtype).contiguous(), {x},
                [](const Node& n, const Var& grad) -> Grads { return {cast(grad, n.attrs.dtype)}; },
                attrs);
}

}  // namespace tg
