// Tests for seeded random tensors: reproducibility, independence of the
// thread count, and the moments of each distribution.
#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "tensor/creation.hpp"
#include "tensor/parallel.hpp"
#include "tensor/random.hpp"

using tg::Tensor;

namespace {
double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}
double var_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size());
}
}  // namespace

TEST_CASE("random: the same seed gives the same numbers, any thread count") {
  tg::set_num_threads(1);
  tg::Generator g1(123);
  const auto a = tg::randn({300000}, g1).to_double_vector();
  tg::set_num_threads(2);
  tg::Generator g2(123);
  const auto b = tg::randn({300000}, g2).to_double_vector();
  CHECK(a == b);
  tg::Generator g3(124);
  CHECK(tg::randn({8}, g3).to_double_vector() != std::vector<double>(a.begin(), a.begin() + 8));
  // Consecutive draws differ and the position advances.
  tg::Generator g(5);
  const auto first = tg::rand({4}, g).to_double_vector();
  const auto second = tg::rand({4}, g).to_double_vector();
  CHECK(first != second);
  CHECK(g.position() == 8);
}

TEST_CASE("random: moments of uniform, normal and bernoulli") {
  tg::Generator g(42);
  const int n = 200000;
  // For n samples, the standard error of the mean is sigma / sqrt(n); we allow 5 of them.
  const auto u = tg::rand({n}, g, tg::DType::f64).to_double_vector();
  CHECK(std::abs(mean_of(u) - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(var_of(u) - 1.0 / 12) < 0.002);
  for (double x : u) REQUIRE((x >= 0 && x < 1));

  const auto z = tg::normal({n}, 2.0, 3.0, g, tg::DType::f64).to_double_vector();
  CHECK(std::abs(mean_of(z) - 2.0) < 5 * 3.0 / std::sqrt(n));
  CHECK(std::abs(std::sqrt(var_of(z)) - 3.0) < 0.03);

  const auto b = tg::bernoulli({n}, 0.3, g).to_double_vector();
  for (double x : b) REQUIRE((x == 0 || x == 1));
  CHECK(std::abs(mean_of(b) - 0.3) < 5 * std::sqrt(0.3 * 0.7 / n));

  const auto f = tg::uniform({1000}, -1, 1, g).to_double_vector();
  for (double x : f) REQUIRE((x >= -1 && x < 1));
}

TEST_CASE("random: randint and randperm") {
  tg::Generator g(9);
  const auto r = tg::randint(-3, 4, {10000}, g).to_double_vector();
  std::set<double> seen(r.begin(), r.end());
  CHECK(seen == std::set<double>{-3, -2, -1, 0, 1, 2, 3});
  const auto p = tg::randperm(50, g).to_double_vector();
  std::set<double> perm(p.begin(), p.end());
  CHECK(perm.size() == 50);
  CHECK(*perm.begin() == 0);
  CHECK(*perm.rbegin() == 49);
}

TEST_CASE("random: bad parameters are errors") {
  tg::Generator g(1);
  CHECK_THROWS_WITH_AS(tg::bernoulli({2}, 1.5, g), "bernoulli: probability must be in [0, 1], got 1.5",
                       tg::Error);
  CHECK_THROWS_AS(tg::normal({2}, 0, -1, g), tg::Error);
  CHECK_THROWS_AS(tg::uniform({2}, 1, 0, g), tg::Error);
  CHECK_THROWS_AS(tg::randint(3, 3, {1}, g), tg::Error);
  // Truncated to integers, rand() would be all zeros: an integer dtype is refused.
  CHECK_THROWS_WITH_AS(tg::rand({2}, g, tg::DType::i64),
                       "uniform: dtype must be f32 or f64, got i64 (for integers use randint)",
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::randn({2}, g, tg::DType::i64), doctest::Contains("normal: dtype must be"),
                       tg::Error);
  CHECK(tg::bernoulli({3}, 1.0, g, tg::DType::i64).data<std::int64_t>()[2] == 1);
}

TEST_CASE("random: the default generator reseeds") {
  tg::manual_seed(77);
  const auto a = tg::rand({5}).to_double_vector();
  tg::manual_seed(77);
  CHECK(tg::rand({5}).to_double_vector() == a);
}
