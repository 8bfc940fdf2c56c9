// Exact values at the points where a naive formula would go wrong: kinks,
// zeros of norms, all -inf rows, ties, extreme logits.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "autodiff/autodiff.hpp"
#include "tensor/creation.hpp"

using namespace tg;

namespace {
std::vector<double> grad_of(Var (*f)(const Var&), std::initializer_list<double> at) {
  Var x(tensor(at, DType::f64), true);
  sum(f(x)).backward();
  return x.grad().value().to_double_vector();
}
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_CASE("autodiff: derivatives at kinks take the documented value") {
  CHECK(grad_of(relu, {0.0}) == std::vector<double>{0.0});
  CHECK(grad_of(abs, {0.0}) == std::vector<double>{0.0});
  CHECK(grad_of(softplus, {0.0})[0] == doctest::Approx(0.5));
  CHECK(grad_of(sign, {0.0, 2.0}) == std::vector<double>{0.0, 0.0});
  // maximum at a tie splits the gradient in half
  Var a(scalar(1.0, DType::f64), true), b(scalar(1.0, DType::f64), true);
  maximum(a, b).backward();
  CHECK(a.grad().item() == 0.5);
  CHECK(b.grad().item() == 0.5);
  // max over a row with a tie shares the gradient equally
  Var m(tensor({3.0, 1.0, 3.0}, DType::f64), true);
  max(m).backward();
  CHECK(m.grad().value().to_double_vector() == std::vector<double>{0.5, 0.0, 0.5});
}

TEST_CASE("autodiff: norms have gradient 0, not NaN, at 0") {
  for (double p : {1.0, 2.0, 3.0, kInf}) {
    CAPTURE(p);
    Var x(zeros({3}, DType::f64), true);
    Var n = norm(x, p);
    CHECK(n.item() == 0.0);
    n.backward();
    for (double g : x.grad().value().to_double_vector()) CHECK(g == 0.0);
  }
  // ... and the usual x / ||x|| elsewhere.
  Var x(tensor({3.0, 4.0}, DType::f64), true);
  norm(x).backward();
  const auto g = x.grad().value().to_double_vector();
  CHECK(g[0] == doctest::Approx(0.6));
  CHECK(g[1] == doctest::Approx(0.8));
}

TEST_CASE("autodiff: logsumexp of an all -inf row is -inf with gradient 0") {
  Var x(tensor({{-kInf, -kInf}, {0.0, 0.0}}, DType::f64), true);
  Var l = logsumexp(x, 1);
  const auto v = l.value().to_double_vector();
  CHECK(v[0] == -kInf);
  CHECK(v[1] == doctest::Approx(std::log(2.0)));
  sum(l).backward();  // the -inf row is part of the loss, and still gets gradient 0
  const auto g = x.grad().value().to_double_vector();
  CHECK(g == std::vector<double>{0.0, 0.0, 0.5, 0.5});
}

TEST_CASE("autodiff: stable composites at extreme inputs") {
  Var x(tensor({-400.0, -30.0, 30.0, 400.0}, DType::f64), true);
  const auto sp = softplus(x).value().to_double_vector();
  CHECK(sp[0] == doctest::Approx(0.0));
  CHECK(sp[3] == doctest::Approx(400.0));
  const auto ls = logsigmoid(x).value().to_double_vector();
  CHECK(ls[0] == doctest::Approx(-400.0));
  CHECK(std::abs(ls[3]) < 1e-12);
  sum(logsigmoid(x)).backward();
  for (double g : x.grad().value().to_double_vector()) CHECK(std::isfinite(g));
  // log_softmax of huge logits stays finite
  Var logits(tensor({{1e4, -1e4, 0.0}}, DType::f64), true);
  const auto lsm = log_softmax(logits).value().to_double_vector();
  CHECK(lsm[0] == doctest::Approx(0.0));
  CHECK(lsm[1] == doctest::Approx(-2e4));
}

TEST_CASE("autodiff: softmax rows sum to 1 and gelu matches its formula") {
  Var x(tensor({{1.0, 2.0, 3.0}}, DType::f64));
  const auto s = softmax(x).value().to_double_vector();
  CHECK(s[0] + s[1] + s[2] == doctest::Approx(1.0));
  CHECK(s[2] / s[1] == doctest::Approx(std::exp(1.0)));
  const double v = 0.7;
  const double expect = 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
  CHECK(gelu(Var(scalar(v, DType::f64))).item() == doctest::Approx(expect));
  CHECK(leaky_relu(Var(scalar(-2.0, DType::f64)), 0.1).item() == doctest::Approx(-0.2));
}

TEST_CASE("autodiff: conv2d and pooling forward values") {
  // A 1-channel 3x3 image with a 2x2 all-ones kernel: each output sums a window.
  Var x(arange(9).to(DType::f64).reshape({1, 1, 3, 3}));
  Var w(ones({1, 1, 2, 2}, DType::f64));
  CHECK(conv2d(x, w).value().to_double_vector() == std::vector<double>{8, 12, 20, 24});
  CHECK(max_pool2d(x, 2, 1).value().to_double_vector() == std::vector<double>{4, 5, 7, 8});
  CHECK(avg_pool2d(x, 2, 1).value().to_double_vector() == std::vector<double>{2, 3, 5, 6});
  // padding never wins a max, even over negative values
  Var neg(full({1, 1, 2, 2}, -5.0, DType::f64));
  for (double v : max_pool2d(neg, 2, 2, 1).value().to_double_vector()) CHECK(v == -5.0);
  CHECK_THROWS_WITH_AS(conv2d(x, Var(ones({1, 2, 2, 2}, DType::f64))),
                       doctest::Contains("conv2d: input has 1 channels but the weight expects 2"),
                       tg::Error);
}
