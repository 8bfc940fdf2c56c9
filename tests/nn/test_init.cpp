// Initializers against their formulas: empirical moments within bounds
// computed from the sample size, hard bounds of uniform draws, exact
// orthogonality, and every error message.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "nn/init.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/linalg.hpp"
#include "tensor/reduce.hpp"

using namespace tg;
using namespace tg::nn;

namespace {

struct Moments {
  double mean = 0, mean_sq = 0, min = 0, max = 0;
  double n = 0;
};

Moments moments(const Tensor& t) {
  const std::vector<double> v = t.to_double_vector();
  Moments m;
  m.n = static_cast<double>(v.size());
  for (double x : v) {
    m.mean += x / m.n;
    m.mean_sq += x * x / m.n;
  }
  m.min = *std::min_element(v.begin(), v.end());
  m.max = *std::max_element(v.begin(), v.end());
  return m;
}

// Draws from U(-b, b): mean 0 with standard error (b/sqrt 3)/sqrt n;
// E[x^2] = b^2/3 with standard error sqrt(E[x^4] - E[x^2]^2)/sqrt n
// = sqrt(b^4/5 - b^4/9)/sqrt n. Five standard errors: a false alarm has
// probability below 1e-6 (and the seed is fixed, so it is not flaky).
void check_uniform(const Tensor& t, double b) {
  const Moments m = moments(t);
  CAPTURE(b);
  CHECK(m.min >= -b);
  CHECK(m.max <= b);
  // A draw exceeds b (1 - e) with probability e / 2, so the largest of n
  // draws stays below b (1 - 40/n) with probability (1 - 20/n)^n < e^-20:
  // the bound is the one meant, not a smaller one.
  CHECK(m.max > b * (1 - 40 / m.n));
  CHECK(std::abs(m.mean) < 5 * (b / std::sqrt(3.0)) / std::sqrt(m.n));
  const double se_sq = std::sqrt(std::pow(b, 4) * (1.0 / 5 - 1.0 / 9)) / std::sqrt(m.n);
  CHECK(std::abs(m.mean_sq - b * b / 3) < 5 * se_sq);
}

// Draws from N(0, s^2): mean has standard error s/sqrt n, E[x^2] = s^2 with
// standard error sqrt(2) s^2 / sqrt n (since Var[x^2] = 2 s^4).
void check_normal(const Tensor& t, double s, double mu = 0) {
  const Moments m = moments(t);
  CAPTURE(s);
  CHECK(std::abs(m.mean - mu) < 5 * s / std::sqrt(m.n));
  const double second = m.mean_sq - 2 * mu * m.mean + mu * mu;  // E[(x - mu)^2]
  CHECK(std::abs(second - s * s) < 5 * std::sqrt(2.0) * s * s / std::sqrt(m.n));
}

// max |A - B| over all entries.
double max_diff(const Tensor& a, const Tensor& b) {
  return tg::max(tg::abs(sub(a, b))).item();
}

}  // namespace

TEST_CASE("nn: calculate_gain matches torch.nn.init.calculate_gain") {
  using init::Nonlinearity;
  CHECK(init::calculate_gain(Nonlinearity::linear) == 1.0);
  CHECK(init::calculate_gain(Nonlinearity::sigmoid) == 1.0);
  CHECK(init::calculate_gain(Nonlinearity::tanh) == doctest::Approx(5.0 / 3.0));
  CHECK(init::calculate_gain(Nonlinearity::relu) == doctest::Approx(std::sqrt(2.0)));
  CHECK(init::calculate_gain(Nonlinearity::leaky_relu) ==
        doctest::Approx(std::sqrt(2.0 / (1 + 0.01 * 0.01))));
  // a = sqrt(5): the default of Linear and Conv2d, gain sqrt(1/3).
  CHECK(init::calculate_gain(Nonlinearity::leaky_relu, std::sqrt(5.0)) ==
        doctest::Approx(std::sqrt(1.0 / 3.0)));
}

TEST_CASE("nn: fans of linear and convolution weights") {
  CHECK(init::calculate_fan_in_and_fan_out(zeros({3, 4})) == std::pair<std::int64_t, std::int64_t>{4, 3});
  // [out 8, in 3, 5, 5]: receptive field 25.
  CHECK(init::calculate_fan_in_and_fan_out(zeros({8, 3, 5, 5})) ==
        std::pair<std::int64_t, std::int64_t>{75, 200});
  CHECK_THROWS_WITH_AS(init::calculate_fan_in_and_fan_out(zeros({5})),
                       doctest::Contains("fans need a tensor with at least 2 dimensions"), Error);
}

TEST_CASE("nn: kaiming_uniform_ draws U(-b, b), b = gain sqrt(3 / fan)") {
  Generator gen(1);
  Tensor w = zeros({256, 400}, DType::f64);  // fan_in 400, fan_out 256
  init::kaiming_uniform_(w, gen);            // a = 0, leaky_relu: gain sqrt(2)
  check_uniform(w, std::sqrt(2.0) * std::sqrt(3.0 / 400));
  init::kaiming_uniform_(w, gen, {.mode = init::FanMode::fan_out,
                                  .nonlinearity = init::Nonlinearity::tanh});
  check_uniform(w, 5.0 / 3.0 * std::sqrt(3.0 / 256));
  // The Linear default: a = sqrt(5) gives exactly 1/sqrt(fan_in).
  init::kaiming_uniform_(w, gen, {.a = std::sqrt(5.0)});
  check_uniform(w, 1.0 / std::sqrt(400.0));
}

TEST_CASE("nn: kaiming_normal_ draws N(0, (gain / sqrt(fan))^2)") {
  Generator gen(2);
  Tensor w = zeros({200, 50, 3, 3});  // f32; fan_in 450, fan_out 1800
  init::kaiming_normal_(w, gen, {.nonlinearity = init::Nonlinearity::relu});
  check_normal(w, std::sqrt(2.0) / std::sqrt(450.0));
  init::kaiming_normal_(w, gen, {.mode = init::FanMode::fan_out,
                                 .nonlinearity = init::Nonlinearity::relu});
  check_normal(w, std::sqrt(2.0) / std::sqrt(1800.0));
}

TEST_CASE("nn: xavier_uniform_ and xavier_normal_ use fan_in + fan_out") {
  Generator gen(3);
  Tensor w = zeros({300, 500}, DType::f64);
  init::xavier_uniform_(w, gen);
  check_uniform(w, std::sqrt(6.0 / 800));
  init::xavier_uniform_(w, gen, 2.0);
  check_uniform(w, 2.0 * std::sqrt(6.0 / 800));
  init::xavier_normal_(w, gen, 0.5);
  check_normal(w, 0.5 * std::sqrt(2.0 / 800));
}

TEST_CASE("nn: uniform_, normal_, constant_, zeros_ and ones_") {
  Generator gen(4);
  Tensor t = zeros({100000}, DType::f64);
  init::uniform_(t, gen, -3.0, 1.0);
  // U(-3, 1) is U(-2, 2) shifted by -1.
  check_uniform(add(t, 1.0), 2.0);
  init::normal_(t, gen, 2.0, 0.5);
  check_normal(t, 0.5, 2.0);
  init::constant_(t, 1.5);
  CHECK(moments(t).min == 1.5);
  CHECK(moments(t).max == 1.5);
  init::zeros_(t);
  CHECK(moments(t).max == 0.0);
  CHECK(moments(t).min == 0.0);
  init::ones_(t);
  CHECK(moments(t).min == 1.0);
}

TEST_CASE("nn: orthogonal_ gives orthonormal rows or columns, times the gain") {
  Generator gen(5);
  SUBCASE("square") {
    Tensor w = zeros({16, 16}, DType::f64);
    init::orthogonal_(w, gen);
    CHECK(max_diff(matmul(w.transpose(0, 1), w), eye(16, DType::f64)) < 1e-12);
    CHECK(max_diff(matmul(w, w.transpose(0, 1)), eye(16, DType::f64)) < 1e-12);
  }
  SUBCASE("tall: orthonormal columns") {
    Tensor w = zeros({20, 8}, DType::f64);
    init::orthogonal_(w, gen);
    CHECK(max_diff(matmul(w.transpose(0, 1), w), eye(8, DType::f64)) < 1e-12);
  }
  SUBCASE("wide: orthonormal rows") {
    Tensor w = zeros({8, 20}, DType::f64);
    init::orthogonal_(w, gen);
    CHECK(max_diff(matmul(w, w.transpose(0, 1)), eye(8, DType::f64)) < 1e-12);
  }
  SUBCASE("a kernel [6, 2, 3, 3] is seen as [6, 18]; gain scales") {
    Tensor w = zeros({6, 2, 3, 3});
    init::orthogonal_(w, gen, 2.0);
    const Tensor m = w.reshape({6, 18});
    CHECK(max_diff(matmul(m, m.transpose(0, 1)), mul(eye(6), 4.0)) < 1e-5);  // f32 rounding
  }
}

TEST_CASE("nn: initializers are reproducible from the seed and bump the storage version") {
  Tensor a = zeros({10, 10}), b = zeros({10, 10});
  Generator g1(9), g2(9), g3(10);
  const std::size_t before = a.storage()->version();
  init::orthogonal_(a, g1);
  CHECK(a.storage()->version() > before);
  init::orthogonal_(b, g2);
  CHECK(a.to_double_vector() == b.to_double_vector());
  init::orthogonal_(b, g3);
  CHECK(a.to_double_vector() != b.to_double_vector());
  const std::size_t v = a.storage()->version();
  init::zeros_(a);
  CHECK(a.storage()->version() > v);
}

TEST_CASE("nn: layer_generator picks the generator, then the seed, then the default") {
  Generator mine(3), local;
  CHECK(&init::layer_generator(&mine, 5, local) == &mine);
  Generator& seeded = init::layer_generator(nullptr, 5, local);
  CHECK(&seeded == &local);
  CHECK(seeded.seed() == 5);
  CHECK(seeded.position() == 0);
  CHECK(&init::layer_generator(nullptr, std::nullopt, local) == &default_generator());
}

TEST_CASE("nn: initializer errors name the initializer and the problem") {
  Generator gen(0);
  CHECK_THROWS_WITH_AS(init::kaiming_uniform_(zeros({2, 2}, DType::i64), gen),
                       doctest::Contains("kaiming_uniform_: expected a floating tensor (f32 or f64), got i64"),
                       Error);
  CHECK_THROWS_WITH_AS(init::ones_(Tensor()), doctest::Contains("ones_: the tensor is undefined"),
                       Error);
  CHECK_THROWS_WITH_AS(init::kaiming_normal_(zeros({4}), gen),
                       doctest::Contains("fans need a tensor with at least 2 dimensions [out, in, ...], got [4]"),
                       Error);
  CHECK_THROWS_WITH_AS(init::xavier_uniform_(zeros({4}), gen),
                       doctest::Contains("at least 2 dimensions"), Error);
  CHECK_THROWS_WITH_AS(init::orthogonal_(zeros({4}), gen),
                       doctest::Contains("orthogonal_: needs a tensor with at least 2 dimensions, got [4]"),
                       Error);
  CHECK_THROWS_WITH_AS(init::uniform_(zeros({4}), gen, 1.0, -1.0),
                       doctest::Contains("uniform_: expected low <= high, got [1, -1)"), Error);
  CHECK_THROWS_WITH_AS(init::normal_(zeros({4}), gen, 0.0, -1.0),
                       doctest::Contains("normal_: expected std >= 0, got -1"), Error);
  // A tensor without elements is left alone, as in PyTorch.
  CHECK_NOTHROW(init::kaiming_uniform_(zeros({0, 3}), gen));
}
