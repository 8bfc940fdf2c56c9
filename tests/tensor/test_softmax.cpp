// Tests for softmax, log_softmax and logsumexp: hand-computed values, brute
// force in double over at() on every axis, numerical stability at extreme
// logits and infinities, strided/0-d/empty inputs, thread-count independence,
// the SIMD exp kernel against its scalar twin, and the error messages.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/parallel.hpp"
#include "tensor/random.hpp"
#include "tensor/softmax.hpp"
#include "tensor/softmax_kernels.hpp"

using tg::DType;
using tg::Shape;
using tg::Tensor;
using Index = std::vector<std::int64_t>;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<Index> all_indices(const Shape& shape) {
  std::vector<Index> out;
  for (std::int64_t d : shape)
    if (d == 0) return out;
  Index idx(shape.size(), 0);
  while (true) {
    out.push_back(idx);
    std::size_t a = shape.size();
    while (a > 0 && ++idx[a - 1] == shape[a - 1]) idx[--a] = 0;
    if (a == 0) return out;
  }
}

/// log(sum_k exp(x[idx with idx[axis] = k])) in double, the textbook way
/// (safe here because the test values are small).
double brute_logsumexp(const Tensor& x, Index idx, std::int64_t axis) {
  double s = 0;
  for (std::int64_t k = 0; k < x.shape()[axis]; ++k) {
    idx[axis] = k;
    s += std::exp(x.at(idx));
  }
  return std::log(s);
}

Tensor random_tensor(const Shape& shape, DType dtype, std::uint64_t seed, double scale = 1) {
  tg::Generator gen(seed);
  return tg::normal(shape, 0, scale, gen, dtype);
}

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  const auto va = a.to_double_vector(), vb = b.to_double_vector();
  return va.size() == vb.size() &&
         std::memcmp(va.data(), vb.data(), va.size() * sizeof(double)) == 0;
}

bool all_finite(const Tensor& t) {
  for (double v : t.to_double_vector())
    if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace

TEST_CASE("softmax: hand-computed values") {
  // exp(x) = [1, 2, 3, 2], so softmax = [1, 2, 3, 2] / 8.
  const Tensor x = tg::tensor({0, std::log(2.0), std::log(3.0), std::log(2.0)}, DType::f64);
  const auto p = tg::softmax(x).to_double_vector();
  const std::vector<double> expected = {0.125, 0.25, 0.375, 0.25};
  for (int i = 0; i < 4; ++i) CHECK(p[i] == doctest::Approx(expected[i]).epsilon(1e-15));
  CHECK(tg::logsumexp(x).item() == doctest::Approx(std::log(8.0)).epsilon(1e-15));
  CHECK(tg::logsumexp(x).dim() == 0);
  const auto lp = tg::log_softmax(x).to_double_vector();
  for (int i = 0; i < 4; ++i) CHECK(lp[i] == doctest::Approx(std::log(expected[i])).epsilon(1e-14));
  // A constant row is uniform, whatever the constant.
  for (double c : {-50.0, 0.0, 80.0}) {
    const auto u = tg::softmax(tg::full({5}, c)).to_double_vector();
    for (double v : u) CHECK(v == doctest::Approx(0.2).epsilon(1e-6));
  }
}

TEST_CASE("softmax: every axis of a [2, 3, 4] tensor matches brute force") {
  for (DType dtype : {DType::f32, DType::f64}) {
    const Tensor x = random_tensor({2, 3, 4}, dtype, 4, 2.0);
    const double rel = dtype == DType::f32 ? 1e-5 : 1e-12;
    for (std::int64_t axis = -3; axis < 3; ++axis) {
      CAPTURE(axis);
      const std::int64_t a = axis < 0 ? axis + 3 : axis;
      const Tensor sm = tg::softmax(x, axis), lsm = tg::log_softmax(x, axis);
      const Tensor lse = tg::logsumexp(x, axis), lse_keep = tg::logsumexp(x, axis, true);
      CHECK(sm.shape() == x.shape());
      CHECK(sm.dtype() == dtype);
      CHECK(lse_keep.shape() == tg::reduced_shape(x.shape(), {a}, true));
      CHECK(lse.shape() == tg::reduced_shape(x.shape(), {a}, false));
      for (const Index& idx : all_indices(x.shape())) {
        const double l = brute_logsumexp(x, idx, a);
        CHECK(sm.at(idx) == doctest::Approx(std::exp(x.at(idx) - l)).epsilon(rel));
        CHECK(lsm.at(idx) == doctest::Approx(x.at(idx) - l).epsilon(rel));
        Index kept = idx, squeezed;
        kept[a] = 0;
        for (std::size_t d = 0; d < idx.size(); ++d)
          if (static_cast<std::int64_t>(d) != a) squeezed.push_back(idx[d]);
        CHECK(lse_keep.at(kept) == doctest::Approx(l).epsilon(rel));
        CHECK(lse.at(squeezed) == doctest::Approx(l).epsilon(rel));
      }
    }
  }
}

TEST_CASE("softmax: a leading axis matches the last axis of the transpose") {
  // Long columns (many row leaves) and more columns than one strip.
  const Tensor x = random_tensor({300, 1100}, DType::f64, 6, 3.0);
  const Tensor xt = x.transpose(0, 1).contiguous();
  const auto a = tg::softmax(x, 0).to_double_vector();
  const auto b = tg::softmax(xt, 1).transpose(0, 1).to_double_vector();
  const auto la = tg::log_softmax(x, 0).to_double_vector();
  const auto lb = tg::log_softmax(xt, -1).transpose(0, 1).to_double_vector();
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i] == doctest::Approx(b[i]).epsilon(1e-13));
    CHECK(la[i] == doctest::Approx(lb[i]).epsilon(1e-13));
  }
  const Tensor lse = tg::logsumexp(x, 0, true);
  CHECK(lse.shape() == Shape{1, 1100});
  for (std::int64_t j : {0, 511, 512, 1023, 1024, 1099})
    CHECK(lse.at({0, j}) == doctest::Approx(brute_logsumexp(x, {0, j}, 0)).epsilon(1e-13));
}

TEST_CASE("softmax: numerically stable at extreme logits") {
  for (DType dtype : {DType::f32, DType::f64}) {
    CAPTURE(dtype_name(dtype));
    // exp(1e4) overflows every float type; subtracting the max avoids it.
    const Tensor big = tg::tensor({1e4, -1e4, 0, 1e4}, dtype);
    const Tensor lsm = tg::log_softmax(big);
    CHECK(all_finite(lsm));
    CHECK(lsm.at({0}) == doctest::Approx(-std::log(2.0)).epsilon(1e-6));
    CHECK(lsm.at({1}) == doctest::Approx(-2e4 - std::log(2.0)).epsilon(1e-6));
    CHECK(all_finite(tg::softmax(big)));
    CHECK(tg::softmax(big).at({0}) == doctest::Approx(0.5).epsilon(1e-6));
    CHECK(tg::softmax(big).at({1}) == 0);
    CHECK(tg::logsumexp(big).item() == doctest::Approx(1e4 + std::log(2.0)).epsilon(1e-6));
    // Rows of -inf and +inf: logsumexp is exact, never NaN.
    const Tensor inf_rows =
        tg::tensor({{-kInf, -kInf, -kInf}, {1, kInf, 2}, {-kInf, 0, -kInf}}, dtype);
    const auto lse = tg::logsumexp(inf_rows, 1).to_double_vector();
    CHECK(lse[0] == -kInf);
    CHECK(lse[1] == kInf);
    CHECK(lse[2] == 0);
    // A -inf logit next to finite ones gets probability 0 and log-probability -inf.
    CHECK(tg::softmax(inf_rows, 1).at({2, 1}) == 1);
    CHECK(tg::softmax(inf_rows, 1).at({2, 0}) == 0);
    CHECK(tg::log_softmax(inf_rows, 1).at({2, 0}) == -kInf);
    CHECK(tg::log_softmax(inf_rows, 1).at({2, 1}) == 0);
    // All -inf: softmax is 0/0 = NaN, as in NumPy and PyTorch (documented).
    CHECK(std::isnan(tg::softmax(inf_rows, 1).at({0, 0})));
  }
  // A huge row sums to 1 (the sum is pairwise; exp runs in SIMD).
  const Tensor row = random_tensor({3'000'000}, DType::f32, 8, 5.0);
  double total = 0;
  for (double v : tg::softmax(row).to_double_vector()) total += v;
  CHECK(total == doctest::Approx(1.0).epsilon(1e-5));
  double lse = 0, m = -kInf;
  const auto v = row.to_double_vector();
  for (double e : v) m = std::max(m, e);
  for (double e : v) lse += std::exp(e - m);
  CHECK(tg::logsumexp(row).item() == doctest::Approx(m + std::log(lse)).epsilon(1e-6));
}

TEST_CASE("softmax: strided and transposed inputs") {
  const Tensor base = random_tensor({5, 6}, DType::f64, 12);
  for (const Tensor& v : {base.transpose(0, 1), base.slice(1, 0, 6, 2), base.slice(0, 4, 5)}) {
    for (std::int64_t axis : {0, 1}) {
      CHECK(bitwise_equal(tg::softmax(v, axis), tg::softmax(v.contiguous(), axis)));
      CHECK(bitwise_equal(tg::log_softmax(v, axis), tg::log_softmax(v.contiguous(), axis)));
      CHECK(bitwise_equal(tg::logsumexp(v, axis), tg::logsumexp(v.contiguous(), axis)));
    }
  }
  // A strided row of every tail length against brute force.
  const std::int64_t W = xsimd::batch<float>::size;
  for (std::int64_t n = 1; n <= 2 * W + 1; ++n) {
    CAPTURE(n);
    const Tensor row = random_tensor({2 * n}, DType::f32, 50 + n, 3.0).slice(0, 1, 2 * n, 2);
    const double l = brute_logsumexp(row, {0}, 0);
    CHECK(tg::logsumexp(row).item() == doctest::Approx(l).epsilon(1e-5));
    const Tensor sm = tg::softmax(row);
    for (std::int64_t i = 0; i < n; ++i)
      CHECK(sm.at({i}) == doctest::Approx(std::exp(row.at({i}) - l)).epsilon(1e-5));
  }
}

TEST_CASE("softmax: 0-d and empty inputs") {
  const Tensor s = tg::scalar(3.5);
  CHECK(tg::softmax(s).dim() == 0);
  CHECK(tg::softmax(s).item() == 1);
  CHECK(tg::log_softmax(s).item() == 0);
  CHECK(tg::logsumexp(s).item() == 3.5);
  CHECK(tg::logsumexp(s, 0, true).dim() == 0);
  const Tensor e = tg::zeros({3, 0});
  CHECK(tg::softmax(e).shape() == Shape{3, 0});
  CHECK(tg::log_softmax(e, 0).shape() == Shape{3, 0});
  // The sum of no exponentials is 0: logsumexp of an empty row is -inf.
  CHECK(tg::logsumexp(e, 1).to_double_vector() == std::vector<double>{-kInf, -kInf, -kInf});
  CHECK(tg::logsumexp(e, 0).shape() == Shape{0});
}

TEST_CASE("softmax: results do not depend on the thread count") {
  const int before = tg::get_num_threads();
  const Tensor x = random_tensor({2000, 700}, DType::f32, 13, 4.0);
  const Tensor long_row = random_tensor({2'000'000}, DType::f32, 14, 4.0);
  auto run = [&] {
    return std::vector<Tensor>{tg::softmax(x), tg::log_softmax(x, 0), tg::logsumexp(x, 1),
                               tg::softmax(long_row), tg::logsumexp(long_row)};
  };
  tg::set_num_threads(1);
  const auto one = run();
  tg::set_num_threads(2);
  const auto two = run();
  tg::set_num_threads(before);
  for (std::size_t i = 0; i < one.size(); ++i) {
    CAPTURE(i);
    CHECK(bitwise_equal(one[i], two[i]));
  }
}

TEST_CASE("softmax: the SIMD exp kernel matches its scalar twin at every length") {
  auto check_type = [](auto tag) {
    using T = decltype(tag);
    const std::int64_t W = xsimd::batch<T>::size;
    for (std::int64_t n = 0; n <= 2 * W + 1; ++n) {
      CAPTURE(n);
      std::vector<T> x(n), simd(n), scalar(n);
      for (std::int64_t i = 0; i < n; ++i)
        x[i] = static_cast<T>(std::sin(0.7 * static_cast<double>(i)) * 30.0);
      if (n > 2) x[1] = -std::numeric_limits<T>::infinity();
      const T shift = static_cast<T>(5);
      tg::kernels::exp_shifted_simd<T>(x.data(), simd.data(), n, shift);
      tg::kernels::exp_shifted_scalar<T>(x.data(), scalar.data(), n, shift);
      for (std::int64_t i = 0; i < n; ++i)
        CHECK(simd[i] == doctest::Approx(scalar[i]).epsilon(4 * std::numeric_limits<T>::epsilon()));
      if (n > 2) CHECK(simd[1] == 0);
    }
  };
  check_type(float{});
  check_type(double{});
}

TEST_CASE("softmax: errors name the op, the axis and the shape") {
  const Tensor labels = tg::arange(6).reshape({2, 3});
  CHECK_THROWS_WITH_AS(tg::softmax(labels), doctest::Contains("softmax: expected a floating dtype"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::log_softmax(labels),
                       doctest::Contains("log_softmax: expected a floating dtype"), tg::Error);
  CHECK_THROWS_WITH_AS(tg::logsumexp(labels),
                       doctest::Contains("logsumexp: expected a floating dtype"), tg::Error);
  const Tensor x = tg::zeros({2, 3});
  CHECK_THROWS_WITH_AS(tg::softmax(x, 2),
                       doctest::Contains("softmax: axis 2 is out of range for a 2-d tensor"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::log_softmax(x, -3),
                       doctest::Contains("log_softmax: axis -3 is out of range for a 2-d tensor"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::logsumexp(x, 5),
                       doctest::Contains("logsumexp: axis 5 is out of range for a 2-d tensor"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::softmax(Tensor()), doctest::Contains("softmax: the tensor is undefined"),
                       tg::Error);
}
