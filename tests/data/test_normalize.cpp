// Tests for mean_std and normalize against hand-computed values.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "data/normalize.hpp"
#include "tensor/creation.hpp"
#include "tensor/error.hpp"

using namespace tg;
using namespace tg::data;

#define CHECK_ERROR(expr, text) CHECK_THROWS_WITH_AS((void)(expr), doctest::Contains(text), tg::Error)

TEST_CASE("data: mean_std is the population mean and std over all elements") {
  const Stats s = mean_std(tensor({{1, 2}, {3, 4}}));
  CHECK(s.mean == 2.5);
  CHECK(s.std == doctest::Approx(std::sqrt(1.25)).epsilon(1e-15));
  // A large offset: a one-pass E[x^2] - E[x]^2 in f64 would lose the spread.
  const Stats far = mean_std(tensor({1e8 + 1, 1e8 - 1, 1e8 + 1, 1e8 - 1}, DType::f64));
  CHECK(far.mean == 1e8);
  CHECK(far.std == 1.0);
  // A strided view is read in its logical order.
  const Stats t = mean_std(tensor({{0, 10}, {0, 10}}).transpose(0, 1));
  CHECK(t.mean == 5.0);
  CHECK(t.std == 5.0);
}

TEST_CASE("data: normalize maps to zero mean and unit std") {
  const Tensor x = tensor({1, 2, 3, 4, 5});
  const Tensor z = normalize(x, 3.0, 2.0);
  CHECK(z.to_vector<float>() == std::vector<float>{-1.0f, -0.5f, 0.0f, 0.5f, 1.0f});
  const Stats s = mean_std(x);
  const Stats unit = mean_std(normalize(x, s.mean, s.std));
  CHECK(std::abs(unit.mean) < 1e-7);
  CHECK(unit.std == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(normalize(tensor({3.0}, DType::f64), 1.0, 4.0).dtype() == DType::f64);
}

TEST_CASE("data: mean_std and normalize reject bad arguments") {
  CHECK_ERROR(normalize(tensor({1, 2}), 0.0, 0.0), "normalize: std must be > 0, got 0");
  CHECK_ERROR(normalize(tensor({1, 2}), 0.0, -1.0), "normalize: std must be > 0, got -1");
  CHECK_ERROR(normalize(tensor({1, 2}), 0.0, std::nan("")), "normalize: std must be > 0, got nan");
  CHECK_ERROR(normalize(arange(3), 0.0, 1.0), "normalize: expected f32 or f64 values, got i64");
  CHECK_ERROR(mean_std(arange(3)), "mean_std: expected a floating dtype (f32 or f64), got i64");
  CHECK_ERROR(mean_std(zeros({0, 3})), "mean_std: x [0, 3] is empty");
}
