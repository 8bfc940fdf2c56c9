// docs/snippets/log1p.cpp — the worked example of chapter 2: adding log1p.
//
// log1p(x) = log(1 + x), but accurate when |x| is tiny, where 1 + x rounds
// away most of x's digits. The tensor layer has no log1p kernel, so it is
// written as a composite: primitives only, gradient from the engine.
#include <cstdio>
#include <limits>

#include "autodiff/autodiff.hpp"
#include "snippet_check.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tests/autodiff/gradcheck_rows.hpp"

namespace {

// Kahan's trick (Goldberg 1991, "What every computer scientist should know
// about floating-point arithmetic", Theorem 4). With u = fl(1 + x):
//   log1p(x) = x                       where u == 1,
//            = log(u) * x / (u - 1)    elsewhere;
// u - 1 is exact, and dividing by it cancels the rounding error of u.
// Tensors in, tensor out: a value, nothing is recorded.
tg::Tensor log1p_value(const tg::Tensor& x) {
  const tg::Tensor u = tg::add(x, 1.0);
  const tg::Tensor d = tg::sub(u, 1.0);
  const tg::Tensor exact_one = tg::eq(d, tg::zeros_like(d));
  const tg::Tensor ratio = tg::div(x, tg::where(exact_one, tg::ones_like(d), d));
  return tg::where(exact_one, x, tg::mul(tg::log(u), ratio));
}

}  // namespace

// d/dx log1p(x) = 1 / (1 + x)
// The gradient comes from log(1 + x), whose derivative 1/fl(1 + x) is
// accurate to the last bit; its *value* is then corrected by a constant (a
// Var without requires_grad), which the engine sends no gradient to.
tg::Var log1p(const tg::Var& x) {
  const tg::Var naive = tg::log(1.0 + x);
  const tg::Tensor exact = log1p_value(x.value());
  // Where both are -inf (x = -1) the correction is 0, not inf - inf = NaN.
  const tg::Tensor same = tg::eq(exact, naive.value());
  const tg::Tensor correction =
      tg::where(same, tg::zeros_like(exact), tg::sub(exact, naive.value()));
  return naive + tg::Var(correction);
}

// The same trick written in Vars: right value, but the engine differentiates
// the *formula*, and d/dx [x / (u - 1)] is 0 only in exact arithmetic.
tg::Var log1p_kahan_in_vars(const tg::Var& x) {
  const tg::Var u = 1.0 + x;
  return tg::log(u) * (x / (u - 1.0));
}

int main() {
  // 1. Values: as accurate as the C library's log1p, where log(1 + x) is not.
  for (double v : {1e-300, 1e-10, 1e-5, -0.5, 0.5, 3.0, 1e10, -1 + 1e-10}) {
    const tg::Var x(tg::scalar(v, tg::DType::f64));
    const double want = std::log1p(v);
    expect_close(log1p(x).item(), want, 4e-16 * std::abs(want), "log1p value");
  }
  expect(log1p(tg::Var(tg::scalar(-1.0, tg::DType::f64))).item() ==
             -std::numeric_limits<double>::infinity(),
         "log1p(-1) = -inf");

  // 2. Gradient and second derivative against 1/(1+x) and -1/(1+x)^2.
  tg::Var x(tg::scalar(1e-10, tg::DType::f64), /*requires_grad=*/true);
  const tg::Var dx = tg::grad({log1p(x)}, {x}, {}, /*create_graph=*/true)[0];
  const tg::Var dxx = tg::grad({dx}, {x})[0];
  expect_close(dx.item(), 1 / (1 + 1e-10), 1e-16, "d/dx log1p at 1e-10");
  expect_close(dxx.item(), -1 / ((1 + 1e-10) * (1 + 1e-10)), 1e-15, "d2/dx2 log1p at 1e-10");

  // 3. The two missteps, measured at x = 1e-10.
  const tg::Var tiny(tg::scalar(1e-10, tg::DType::f64));
  const double naive_err = std::abs(tg::log(1.0 + tiny).item() / std::log1p(1e-10) - 1);
  tg::Var xk(tg::scalar(1e-10, tg::DType::f64), true);
  log1p_kahan_in_vars(xk).backward();
  const tg::Var factor = xk / ((1.0 + xk) - 1.0);  // x / (u - 1), 1 in exact arithmetic
  std::printf("log(1 + x) at x = 1e-10: relative error of the value %.1e\n", naive_err);
  std::printf("d/dx [x / (u - 1)] at x = 1e-10: %.6g (0 in exact arithmetic)\n",
              tg::grad({factor}, {xk})[0].item());
  std::printf("Kahan's formula in Vars: value %.17g, gradient %.6g (should be %.17g)\n",
              log1p_kahan_in_vars(tiny).item(), xk.grad().item(), 1 / (1 + 1e-10));
  std::printf("log1p above:             value %.17g, gradient %.17g\n",
              log1p(tiny).item(), dx.item());
  expect(naive_err > 1e-8, "the naive formula is visibly wrong at 1e-10");

  // 4. Its row for the gradient-check table, in the table's own format
  //    (tests/autodiff/gradcheck_rows.hpp), checked at first and second order.
  const tg::testing::GradcheckRow row{
      "log1p", "composite, x in (-0.9, 3)",
      [](const std::vector<tg::Var>& v) { return log1p(v[0]); },
      {tg::testing::uniform64({2, 3}, -0.9, 3.0, 41)}};
  const tg::GradcheckResult first = tg::gradcheck(row.f, row.inputs, row.options);
  const tg::GradcheckResult second = tg::gradgradcheck(row.f, row.inputs, row.options);
  expect(first.passed, first.report.c_str());
  expect(second.passed, second.report.c_str());
  std::printf("gradcheck: max error %.1e; gradgradcheck: max error %.1e\n",
              first.max_abs_error, second.max_abs_error);
  return 0;
}
