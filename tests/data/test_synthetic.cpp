// Tests for the synthetic tasks: each documented property checked on the
// generated tensors, the statistics against their analytic values, and
// reproducibility from the seed.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "data/synthetic.hpp"
#include "tensor/error.hpp"

using namespace tg;
using namespace tg::data;

#define CHECK_ERROR(expr, text) CHECK_THROWS_WITH_AS((void)(expr), doctest::Contains(text), tg::Error)

namespace {

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.to_double_vector() == b.to_double_vector();
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

}  // namespace

TEST_CASE("data: addition problem has two markers, one per half, and target = their sum") {
  for (std::int64_t T : {2, 5, 40}) {
    CAPTURE(T);
    Generator gen(3);
    const std::int64_t N = 300;
    const Dataset d = addition_problem({.length = T, .count = N}, gen);
    REQUIRE(d.inputs.shape() == Shape{T, N, 2});
    REQUIRE(d.targets.shape() == Shape{N, 1});
    CHECK(d.example_axis == 1);
    CHECK(d.size() == N);
    const float* in = d.inputs.data<float>();
    const float* target = d.targets.data<float>();
    std::int64_t bad = 0;
    for (std::int64_t n = 0; n < N; ++n) {
      std::vector<std::int64_t> marked;
      for (std::int64_t t = 0; t < T; ++t) {
        const float v = in[(t * N + n) * 2], m = in[(t * N + n) * 2 + 1];
        if (!(v >= 0.0f && v < 1.0f) || !(m == 0.0f || m == 1.0f)) ++bad;
        if (m == 1.0f) marked.push_back(t);
      }
      if (marked.size() != 2 || marked[0] >= T / 2 || marked[1] < T / 2) {
        ++bad;
        continue;
      }
      const float sum = in[(marked[0] * N + n) * 2] + in[(marked[1] * N + n) * 2];
      if (target[n] != sum) ++bad;
    }
    CHECK(bad == 0);
  }
}

TEST_CASE("data: addition problem targets have mean 1 and variance 1/6 (the baseline MSE)") {
  Generator gen(11);
  const Dataset d = addition_problem({.length = 10, .count = 100000}, gen);
  const std::vector<double> s = d.targets.to_double_vector();
  double mse_of_one = 0;
  for (double x : s) mse_of_one += (x - 1) * (x - 1);
  mse_of_one /= double(s.size());
  // Standard errors at N = 1e5: mean 0.0013, MSE 0.0006 (Var((s-1)^2) = 7/180).
  CHECK(std::abs(mean_of(s) - 1.0) < 0.006);
  CHECK(std::abs(mse_of_one - 1.0 / 6.0) < 0.003);
  // Every position of each half is used as a marker.
  std::vector<std::int64_t> hits(10, 0);
  const float* in = d.inputs.data<float>();
  for (std::int64_t t = 0; t < 10; ++t)
    for (std::int64_t n = 0; n < 100000; ++n) hits[t] += in[(t * 100000 + n) * 2 + 1] == 1.0f;
  for (std::int64_t t = 0; t < 10; ++t) CHECK(std::abs(hits[t] - 20000) < 1000);
}

TEST_CASE("data: addition problem is reproducible from the seed and moves the generator") {
  Generator a(5), b(5), c(6);
  const Dataset first = addition_problem({.length = 12, .count = 50}, a);
  const Dataset again = addition_problem({.length = 12, .count = 50}, b);
  CHECK(bitwise_equal(first.inputs, again.inputs));
  CHECK(bitwise_equal(first.targets, again.targets));
  CHECK_FALSE(bitwise_equal(first.inputs, addition_problem({.length = 12, .count = 50}, c).inputs));
  CHECK_FALSE(bitwise_equal(first.inputs, addition_problem({.length = 12, .count = 50}, a).inputs));
  CHECK_ERROR(addition_problem({.length = 1}, a), "addition_problem: length must be >= 2");
  CHECK_ERROR(addition_problem({.count = -1}, a), "addition_problem: count must be >= 0, got -1");
}

TEST_CASE("data: two spirals lie on their arms and alternate classes") {
  Generator gen(1);
  const SpiralsOptions options{.count = 501, .noise = 0.0, .turns = 1.5};
  const Dataset d = two_spirals(options, gen);
  REQUIRE(d.inputs.shape() == Shape{501, 2});
  REQUIRE(d.targets.shape() == Shape{501});
  const std::vector<std::int64_t> y = d.targets.to_vector<std::int64_t>();
  const std::vector<float> xy = d.inputs.to_vector<float>();
  std::int64_t ones = 0, off_arm = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    ones += y[i];
    if (y[i] != std::int64_t(i % 2)) ++off_arm;
    // Without noise, r = t and the angle is 2 pi turns r + pi c.
    const double r = std::hypot(xy[2 * i], xy[2 * i + 1]);
    const double angle = 2 * std::numbers::pi * options.turns * r + std::numbers::pi * double(y[i]);
    if (r > 1 || std::abs(xy[2 * i] - r * std::cos(angle)) > 1e-5 ||
        std::abs(xy[2 * i + 1] - r * std::sin(angle)) > 1e-5)
      ++off_arm;
  }
  CHECK(ones == 250);
  CHECK(off_arm == 0);
}

TEST_CASE("data: two spirals noise is Gaussian with the requested std") {
  // The same seed draws the same positions and noise, so the difference
  // between a noisy and a clean set is exactly noise * N(0, 1).
  Generator a(9), b(9);
  const double sigma = 0.2;
  const Dataset clean = two_spirals({.count = 20000, .noise = 0.0}, a);
  const Dataset noisy = two_spirals({.count = 20000, .noise = sigma}, b);
  const std::vector<double> c = clean.inputs.to_double_vector(), n = noisy.inputs.to_double_vector();
  std::vector<double> z(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) z[i] = (n[i] - c[i]) / sigma;
  double var = 0;
  for (double v : z) var += v * v;
  var /= double(z.size());
  CHECK(std::abs(mean_of(z)) < 0.03);
  CHECK(std::abs(var - 1.0) < 0.05);
  CHECK_ERROR(two_spirals({.count = -3}, a), "two_spirals: count must be >= 0, got -3");
  CHECK_ERROR(two_spirals({.noise = -0.1}, a), "two_spirals: noise must be >= 0, got -0.1");
  CHECK_ERROR(two_spirals({.turns = 0}, a), "two_spirals: turns must be > 0, got 0");
}

TEST_CASE("data: teacher_forward computes tanh(x W1 + b1) W2 with weights from teacher_seed") {
  const TeacherOptions o{.inputs = 3, .hidden = 4, .outputs = 2, .noise = 0, .teacher_seed = 17};
  Generator xs(0);
  const Tensor x = randn({5, 3}, xs);
  // The documented draws, replayed by hand in f64.
  Generator g(17);
  const std::vector<double> w1 = normal({3, 4}, 0, 1 / std::sqrt(3.0), g).to_double_vector();
  const std::vector<double> b1 = randn({4}, g).to_double_vector();
  const std::vector<double> w2 = normal({4, 2}, 0, 0.5, g).to_double_vector();
  const Tensor y = teacher_forward(o, x);
  REQUIRE(y.shape() == Shape{5, 2});
  for (std::int64_t n = 0; n < 5; ++n)
    for (std::int64_t k = 0; k < 2; ++k) {
      double out = 0;
      for (std::int64_t h = 0; h < 4; ++h) {
        double pre = b1[h];
        for (std::int64_t d = 0; d < 3; ++d) pre += x.at({n, d}) * w1[d * 4 + h];
        out += std::tanh(pre) * w2[h * 2 + k];
      }
      CHECK(y.at({n, k}) == doctest::Approx(out).epsilon(1e-5));
    }
  CHECK_ERROR(teacher_forward(o, randn({5, 4}, xs)), "teacher_forward: expected x of shape [N, 3] f32, got [5, 4] f32");
  CHECK_ERROR(teacher_forward({.hidden = 0}, x), "teacher_forward: inputs, hidden and outputs must be >= 1");
}

TEST_CASE("data: teacher_student targets are the teacher plus noise of the requested std") {
  const TeacherOptions clean{.inputs = 6, .hidden = 8, .noise = 0.0, .teacher_seed = 2};
  Generator gen(4);
  const Dataset exact = teacher_student(100, clean, gen);
  CHECK(exact.inputs.shape() == Shape{100, 6});
  CHECK(exact.targets.shape() == Shape{100, 1});
  CHECK(bitwise_equal(exact.targets, teacher_forward(clean, exact.inputs)));

  TeacherOptions noisy = clean;
  noisy.noise = 0.3;
  const Dataset d = teacher_student(20000, noisy, gen);
  const std::vector<double> t = d.targets.to_double_vector();
  const std::vector<double> f = teacher_forward(noisy, d.inputs).to_double_vector();
  double residual = 0, signal = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    residual += (t[i] - f[i]) * (t[i] - f[i]);
    signal += f[i] * f[i];
  }
  CHECK(std::sqrt(residual / double(t.size())) == doctest::Approx(0.3).epsilon(0.03));
  CHECK(signal / double(t.size()) > 0.05);  // the teacher is not (nearly) constant
  // Another teacher_seed is another teacher.
  TeacherOptions other = clean;
  other.teacher_seed = 3;
  CHECK_FALSE(bitwise_equal(teacher_forward(other, exact.inputs), exact.targets));
  CHECK_ERROR(teacher_student(-1, clean, gen), "teacher_student: count must be >= 0, got -1");
  CHECK_ERROR(teacher_student(5, {.noise = -1}, gen), "teacher_student: noise must be >= 0, got -1");
}
