// docs/snippets/hvp.cpp — a Hessian-vector product by double backward.
//
// Hv = d/dx <grad f(x), v>: differentiate f once with create_graph, so the
// gradient is itself a recorded Var; take its dot product with a constant v;
// differentiate again. Two backward passes, and the Hessian is never formed.
#include <cstdio>

#include "autodiff/autodiff.hpp"
#include "snippet_check.hpp"
#include "tensor/creation.hpp"

// Rosenbrock's function f(x, y) = (1 - x)^2 + 100 (y - x^2)^2.
tg::Var rosenbrock(const tg::Var& p) {
  const tg::Var x = tg::slice(p, 0, 0, 1);
  const tg::Var y = tg::slice(p, 0, 1, 2);
  return tg::sum(tg::square(1.0 - x) + 100.0 * tg::square(y - x * x));
}

int main() {
  tg::Var p(tg::tensor({-1.2, 1.0}, tg::DType::f64), /*requires_grad=*/true);
  const tg::Var v(tg::tensor({0.3, -0.7}, tg::DType::f64));  // a constant direction

  const tg::Var g = tg::grad({rosenbrock(p)}, {p}, {}, /*create_graph=*/true)[0];
  const tg::Var hv = tg::grad({tg::sum(g * v)}, {p})[0];

  // By hand: H = [[2 - 400 (y - 3x^2), -400 x], [-400 x, 200]].
  const double x = -1.2, y = 1.0;
  const double h11 = 2 - 400 * (y - 3 * x * x), h12 = -400 * x, h22 = 200;
  const double want0 = h11 * 0.3 + h12 * -0.7, want1 = h12 * 0.3 + h22 * -0.7;
  const std::vector<double> got = hv.value().to_double_vector();
  std::printf("gradient  = (%g, %g)\n", g.value().to_double_vector()[0],
              g.value().to_double_vector()[1]);
  std::printf("H v       = (%g, %g)\n", got[0], got[1]);
  std::printf("by hand   = (%g, %g)\n", want0, want1);
  expect_close(got[0], want0, 1e-12, "(Hv)_0");
  expect_close(got[1], want1, 1e-12, "(Hv)_1");
  return 0;
}
