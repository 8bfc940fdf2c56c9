// docs/snippets/broadcast_grad.cpp — the engine sums broadcast gradients back.
#include <iostream>

#include "autodiff/autodiff.hpp"
#include "snippet_check.hpp"
#include "tensor/creation.hpp"
#include "tensor/print.hpp"

int main() {
  // x [2, 3] + b [3]: b is broadcast over the two rows, so each b_j is used twice.
  tg::Var x(tg::tensor({{1, 2, 3}, {4, 5, 6}}, tg::DType::f64), /*requires_grad=*/true);
  tg::Var b(tg::tensor({10, 20, 30}, tg::DType::f64), /*requires_grad=*/true);
  tg::Var y = x + b;  // add's backward returns {grad, grad}, both of shape [2, 3]

  // Seed with a gradient of y's shape: d(sum(seed * y)) / d(x, b).
  y.backward(tg::tensor({{1, 10, 100}, {2, 20, 200}}, tg::DType::f64));
  std::cout << "x.grad() = " << x.grad().value() << "\n"
            << "b.grad() = " << b.grad().value() << "\n";

  // The engine reduced b's [2, 3] gradient to [3] by summing the rows
  // (Note [broadcast reduction]): 1 + 2, 10 + 20, 100 + 200.
  expect(b.grad().shape() == tg::Shape{3}, "b's gradient has b's shape");
  expect(b.grad().value().to_double_vector() == std::vector<double>{3, 30, 300}, "rows summed");
  expect(x.grad().value().to_double_vector() == std::vector<double>{1, 10, 100, 2, 20, 200},
         "x was not broadcast: its gradient is the seed itself");
  return 0;
}
