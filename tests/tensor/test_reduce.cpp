// Tests for reductions: every function against brute-force double loops over
// at(), every axis subset of a [2, 3, 4] tensor, strided and 0-d and empty
// inputs, NaN, accuracy of long f32 sums, thread-count independence, the SIMD
// kernels against their scalar twins, and every error message.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/parallel.hpp"
#include "tensor/random.hpp"
#include "tensor/reduce.hpp"
#include "tensor/reduce_kernels.hpp"

using tg::Axes;
using tg::DType;
using tg::Shape;
using tg::Tensor;
using Index = std::vector<std::int64_t>;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// Every multi-index of `shape`, in row-major order.
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

bool contains(const Axes& axes, std::size_t a) {
  for (std::int64_t b : axes)
    if (b == static_cast<std::int64_t>(a)) return true;
  return false;
}

/// The reduction of x over `axes` (non-negative) by plain double loops:
/// result[index with the reduced entries set to 0].
std::map<Index, double> brute(const Tensor& x, const Axes& axes, double init,
                              const std::function<double(double, double)>& combine) {
  std::map<Index, double> out;
  for (Index idx : all_indices(x.shape())) {
    const double v = x.at(idx);
    for (std::size_t a = 0; a < idx.size(); ++a)
      if (contains(axes, a)) idx[a] = 0;
    auto it = out.try_emplace(idx, init).first;
    it->second = combine(it->second, v);
  }
  return out;
}

double add(double a, double b) { return a + b; }
double max2(double a, double b) { return std::isnan(a) || a > b ? a : b; }
double min2(double a, double b) { return std::isnan(a) || a < b ? a : b; }

/// Checks `out` (computed with `keepdim`) against a brute-force map.
void check_matches(const Tensor& out, const Tensor& x, const Axes& axes, bool keepdim,
                   const std::map<Index, double>& expected, double rel) {
  REQUIRE(out.shape() == tg::reduced_shape(x.shape(), axes, keepdim));
  for (const auto& [key, value] : expected) {
    Index at;
    for (std::size_t a = 0; a < key.size(); ++a)
      if (keepdim || !contains(axes, a)) at.push_back(key[a]);
    if (rel == 0) CHECK(out.at(at) == value);
    else CHECK(out.at(at) == doctest::Approx(value).epsilon(rel));
  }
}

Tensor random_tensor(const Shape& shape, DType dtype, std::uint64_t seed) {
  tg::Generator gen(seed);
  return tg::randn(shape, gen, dtype);
}

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  const auto va = a.to_double_vector(), vb = b.to_double_vector();
  if (va.size() != vb.size()) return false;
  for (std::size_t i = 0; i < va.size(); ++i)
    if (std::memcmp(&va[i], &vb[i], sizeof(double)) != 0) return false;
  return true;
}

}  // namespace

TEST_CASE("reduce: every axis subset of a [2, 3, 4] tensor matches brute force") {
  for (DType dtype : {DType::f32, DType::f64}) {
    const Tensor x = random_tensor({2, 3, 4}, dtype, 7);
    const double rel = dtype == DType::f32 ? 1e-5 : 1e-12;
    for (int mask = 0; mask < 8; ++mask) {
      Axes axes, negative;
      for (std::int64_t a = 0; a < 3; ++a)
        if (mask & (1 << a)) {
          axes.push_back(a);
          negative.push_back(a - 3);
        }
      const Axes all = axes.empty() ? Axes{0, 1, 2} : axes;  // {} means every axis
      std::int64_t count = 1;
      for (std::int64_t a : all) count *= x.shape()[a];
      for (bool keepdim : {false, true}) {
        CAPTURE(mask);
        CAPTURE(keepdim);
        check_matches(tg::sum(x, axes, keepdim), x, all, keepdim, brute(x, all, 0, add), rel);
        auto means = brute(x, all, 0, add);
        for (auto& kv : means) kv.second /= static_cast<double>(count);
        check_matches(tg::mean(x, axes, keepdim), x, all, keepdim, means, rel);
        check_matches(tg::max(x, axes, keepdim), x, all, keepdim, brute(x, all, -kInf, max2), 0);
        check_matches(tg::min(x, axes, keepdim), x, all, keepdim, brute(x, all, kInf, min2), 0);
        // Negative axes name the same axes: bitwise the same result.
        CHECK(bitwise_equal(tg::sum(x, negative, keepdim), tg::sum(x, axes, keepdim)));
        CHECK(bitwise_equal(tg::max(x, negative, keepdim), tg::max(x, axes, keepdim)));
        CHECK(tg::sum(x, axes, keepdim).dtype() == dtype);
      }
    }
  }
}

TEST_CASE("reduce: hand-computed small cases") {
  const Tensor x = tg::tensor({{1, 2, 3}, {4, 5, 6}});
  CHECK(tg::sum(x).item() == 21);
  CHECK(tg::sum(x).dim() == 0);
  CHECK(tg::sum(x, {0}).to_double_vector() == std::vector<double>{5, 7, 9});
  CHECK(tg::sum(x, {1}).to_double_vector() == std::vector<double>{6, 15});
  CHECK(tg::sum(x, {1}, true).shape() == Shape{2, 1});
  CHECK(tg::mean(x, {0}).to_double_vector() == std::vector<double>{2.5, 3.5, 4.5});
  CHECK(tg::max(x, {1}).to_double_vector() == std::vector<double>{3, 6});
  CHECK(tg::min(x, {0}).to_double_vector() == std::vector<double>{1, 2, 3});
  CHECK(tg::sum(x, {0, 1}, true).shape() == Shape{1, 1});
}

TEST_CASE("reduce: i64 sums, maxima and argmax stay integer; mean and norm need floating") {
  const Tensor x = tg::arange(12).reshape({3, 4});
  CHECK(tg::sum(x).dtype() == DType::i64);
  CHECK(tg::sum(x).item() == 66);
  CHECK(tg::sum(x, {0}).to_vector<std::int64_t>() == std::vector<std::int64_t>{12, 15, 18, 21});
  CHECK(tg::max(x, {1}).to_vector<std::int64_t>() == std::vector<std::int64_t>{3, 7, 11});
  CHECK(tg::min(x).item() == 0);
  CHECK(tg::argmax(x, 0).to_vector<std::int64_t>() == std::vector<std::int64_t>{2, 2, 2, 2});
  // Exact beyond 2^53, where a double accumulator would round.
  const std::int64_t big = (std::int64_t{1} << 60) + 1;
  CHECK(tg::sum(tg::from_vector(std::vector<std::int64_t>{big, 2})).to_vector<std::int64_t>()[0] ==
        big + 2);
  CHECK_THROWS_WITH_AS(tg::mean(x), doctest::Contains("mean: expected a floating dtype"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::norm(x), doctest::Contains("norm: expected a floating dtype"),
                       tg::Error);
}

TEST_CASE("reduce: strided, transposed and expanded inputs") {
  const Tensor base = random_tensor({6, 5, 4}, DType::f64, 11);
  const std::vector<Tensor> views = {
      base.transpose(0, 2),               // [4, 5, 6]
      base.slice(1, 0, 5, 2),             // [6, 3, 4] with a gap
      base.permute({1, 2, 0}).slice(2, 1, 6, 3),
      tg::tensor({1, 2, 3}, DType::f64).expand({4, 3}),  // stride 0
  };
  for (const Tensor& v : views) {
    CAPTURE(tg::shape_str(v.shape()));
    for (const Axes& axes : {Axes{0}, Axes{1}, Axes{-1}, Axes{0, 1}, Axes{}}) {
      const Axes norm = tg::normalize_axes(axes, v.dim(), "test");
      check_matches(tg::sum(v, axes), v, norm, false, brute(v, norm, 0, add), 1e-12);
      check_matches(tg::max(v, axes, true), v, norm, true, brute(v, norm, -kInf, max2), 0);
      CHECK(bitwise_equal(tg::argmax(v, -1), tg::argmax(v.contiguous(), -1)));
    }
  }
}

TEST_CASE("reduce: strided inputs of every tail length match brute force") {
  const std::int64_t W = xsimd::batch<float>::size;
  for (std::int64_t n = 0; n <= 2 * W + 1; ++n) {
    CAPTURE(n);
    const Tensor wide = random_tensor({2 * n + 1}, DType::f32, 100 + n);
    const Tensor strided = wide.slice(0, 0, 2 * n, 2);  // n values, stride 2
    REQUIRE(strided.numel() == n);
    double s = 0, m = -kInf;
    for (std::int64_t i = 0; i < n; ++i) {
      s += strided.at({i});
      m = std::max(m, strided.at({i}));
    }
    CHECK(tg::sum(strided).item() == doctest::Approx(s).epsilon(1e-5));
    if (n > 0) CHECK(tg::max(strided).item() == m);
  }
}

TEST_CASE("reduce: 0-d inputs reduce to themselves") {
  const Tensor s = tg::scalar(-2.5, DType::f64);
  CHECK(tg::sum(s).item() == -2.5);
  CHECK(tg::sum(s, {0}).dim() == 0);
  CHECK(tg::sum(s, {-1}, true).dim() == 0);
  CHECK_FALSE(tg::sum(s).shares_storage(s));
  CHECK(tg::mean(s).item() == -2.5);
  CHECK(tg::max(s).item() == -2.5);
  CHECK(tg::min(s).item() == -2.5);
  CHECK(tg::norm(s).item() == 2.5);
  CHECK(tg::argmax(s, 0).item() == 0);
  CHECK(tg::argmax(s).item() == 0);
  CHECK(tg::argmax(s).dtype() == DType::i64);
}

TEST_CASE("reduce: empty inputs") {
  const Tensor e = tg::zeros({3, 0});
  CHECK(tg::sum(e).item() == 0);
  CHECK(std::isnan(tg::mean(e).item()));
  CHECK(tg::sum(e, {1}).to_double_vector() == std::vector<double>{0, 0, 0});
  const Tensor m = tg::mean(e, {1});
  CHECK(m.shape() == Shape{3});
  for (double v : m.to_double_vector()) CHECK(std::isnan(v));
  // Reducing a non-empty axis of an empty tensor is no error: the result is empty.
  CHECK(tg::max(e, {0}).shape() == Shape{0});
  CHECK(tg::argmax(e, 0).shape() == Shape{0});
  CHECK(tg::sum(e, {0}, true).shape() == Shape{1, 0});
  CHECK(tg::norm(e).item() == 0);
  CHECK(tg::norm(e, kInf).item() == 0);
  CHECK(tg::sum(tg::zeros({0}, DType::i64)).item() == 0);
}

TEST_CASE("reduce: NaN propagates through max/min; argmax finds the first NaN") {
  const Tensor x = tg::tensor({{1, kNaN, 3, kNaN}, {4, 5, 6, 7}});
  CHECK(std::isnan(tg::max(x).item()));
  CHECK(std::isnan(tg::min(x).item()));
  const auto rows = tg::max(x, {1}).to_double_vector();
  CHECK(std::isnan(rows[0]));
  CHECK(rows[1] == 7);
  CHECK(tg::argmax(x, 1).to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 3});
  CHECK(tg::argmin(x, 1).to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 0});
  CHECK(tg::argmax(x).item() == 1);
  // A NaN in the SIMD body, the tail, or first place, at every position of a long row.
  for (std::int64_t n : {1, 7, 16, 33, 100, 3000}) {
    for (std::int64_t pos : {std::int64_t{0}, n / 2, n - 1}) {
      Tensor v = tg::ones({n});
      v.data<float>()[pos] = std::numeric_limits<float>::quiet_NaN();
      CHECK(std::isnan(tg::max(v).item()));
      CHECK(std::isnan(tg::min(v).item()));
      CHECK(tg::argmax(v).item() == pos);
    }
  }
}

TEST_CASE("reduce: argmax/argmin along an axis take the first occurrence") {
  const Tensor x = tg::tensor({{3, 1, 3}, {0, 2, 2}});
  CHECK(tg::argmax(x, 1).to_vector<std::int64_t>() == std::vector<std::int64_t>{0, 1});
  CHECK(tg::argmin(x, 1).to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 0});
  CHECK(tg::argmax(x, 0).to_vector<std::int64_t>() == std::vector<std::int64_t>{0, 1, 0});
  CHECK(tg::argmin(x, -2).to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 0, 1});
  CHECK(tg::argmax(x, 1, true).shape() == Shape{2, 1});
  CHECK(tg::argmax(x).item() == 0);
  CHECK(tg::argmax(x).dim() == 0);
  // Against brute force on every axis of a random [2, 3, 4], with keepdim.
  const Tensor r = random_tensor({2, 3, 4}, DType::f32, 3);
  for (std::int64_t axis = -3; axis < 3; ++axis) {
    const Tensor am = tg::argmax(r, axis, true), an = tg::argmin(r, axis);
    const std::int64_t a = axis < 0 ? axis + 3 : axis;
    for (Index idx : all_indices(am.shape())) {
      std::int64_t best_max = 0, best_min = 0;
      Index probe = idx;
      for (std::int64_t k = 0; k < r.shape()[a]; ++k) {
        probe[a] = k;
        Index at_max = idx, at_min = idx;
        at_max[a] = best_max;
        at_min[a] = best_min;
        if (r.at(probe) > r.at(at_max)) best_max = k;
        if (r.at(probe) < r.at(at_min)) best_min = k;
      }
      CHECK(am.at(idx) == best_max);
      Index squeezed;
      for (std::size_t d = 0; d < idx.size(); ++d)
        if (static_cast<std::int64_t>(d) != a) squeezed.push_back(idx[d]);
      CHECK(an.at(squeezed) == best_min);
    }
  }
}

TEST_CASE("reduce: norm for p = 2, 1, inf and general p") {
  const Tensor v = tg::tensor({3, -4}, DType::f64);
  CHECK(tg::norm(v).item() == 5);
  CHECK(tg::norm(v, 1).item() == 7);
  CHECK(tg::norm(v, kInf).item() == 4);
  CHECK(tg::norm(v, 3).item() == doctest::Approx(std::cbrt(27.0 + 64.0)).epsilon(1e-14));
  // Norms at zero are exactly zero, for every p.
  for (double p : {1.0, 2.0, 3.0, kInf}) CHECK(tg::norm(tg::zeros({5}), p).item() == 0);
  // Per-row norms of a random matrix against brute force, f32 and f64.
  for (DType dtype : {DType::f32, DType::f64}) {
    const Tensor m = random_tensor({3, 5}, dtype, 21);
    for (double p : {1.0, 2.0, 2.5, kInf}) {
      const Tensor n = tg::norm(m, p, {-1}, true);
      CHECK(n.shape() == Shape{3, 1});
      for (std::int64_t i = 0; i < 3; ++i) {
        double acc = 0;
        for (std::int64_t j = 0; j < 5; ++j)
          acc = std::isinf(p) ? std::max(acc, std::abs(m.at({i, j})))
                              : acc + std::pow(std::abs(m.at({i, j})), p);
        const double expected = std::isinf(p) ? acc : std::pow(acc, 1 / p);
        CHECK(n.at({i, 0}) == doctest::Approx(expected).epsilon(1e-5));
      }
    }
  }
  CHECK_THROWS_WITH_AS(tg::norm(v, 0.5), doctest::Contains("norm: p must be >= 1 or inf, got 0.5"),
                       tg::Error);
}

TEST_CASE("reduce: sum_to undoes broadcasting") {
  const Tensor x = tg::ones({2, 3, 4}, DType::f64);
  const Tensor a = tg::sum_to(x, {3, 1});
  CHECK(a.shape() == Shape{3, 1});
  CHECK(a.to_double_vector() == std::vector<double>{8, 8, 8});
  CHECK(tg::sum_to(x, {4}).to_double_vector() == std::vector<double>{6, 6, 6, 6});
  CHECK(tg::sum_to(x, {1, 1, 1}).shape() == Shape{1, 1, 1});
  CHECK(tg::sum_to(x, {1, 1, 1}).item() == 24);
  CHECK(tg::sum_to(x, {}).dim() == 0);
  CHECK(tg::sum_to(x, {}).item() == 24);
  CHECK(tg::sum_to(x, {2, 3, 4}).shares_storage(x));  // nothing to undo
  // The round trip: expand then sum_to multiplies by the copies made.
  const Tensor b = tg::tensor({1, 2, 3}, DType::f64);
  CHECK(tg::sum_to(b.expand({5, 3}), {3}).to_double_vector() == std::vector<double>{5, 10, 15});
  CHECK_THROWS_WITH_AS(tg::sum_to(x, {3, 3}),
                       doctest::Contains("sum_to: shape [3, 3] does not broadcast to [2, 3, 4] "
                                         "(dimension 1: 3 vs 4)"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(
      tg::sum_to(x, {1, 2, 3, 4}),
      doctest::Contains("sum_to: shape [1, 2, 3, 4] does not broadcast to [2, 3, 4]"), tg::Error);
}

TEST_CASE("reduce: a long f32 sum is accurate (pairwise, not a running sum)") {
  const std::int64_t n = 10'000'000;
  const Tensor x = tg::full({n}, 0.1, DType::f32);
  CHECK(std::abs(tg::sum(x).item() - 1e6) <= 1e-4 * 1e6);
  CHECK(std::abs(tg::mean(x).item() - 0.1) <= 1e-4 * 0.1);
  // Down the columns too (axis 0 of [N, F], the bias-gradient case).
  const Tensor cols = tg::full({n / 4, 4}, 0.1, DType::f32);
  for (double v : tg::sum(cols, {0}).to_double_vector())
    CHECK(std::abs(v - 0.1 * (n / 4)) <= 1e-4 * 0.1 * (n / 4));
}

TEST_CASE("reduce: large reductions match double brute force") {
  // Rows longer than a leaf, columns wider than a strip, non-adjacent axes.
  const Tensor x = random_tensor({3, 2500, 700}, DType::f32, 5);
  const auto v = x.to_double_vector();
  const Tensor s0 = tg::sum(x, {1});    // [3, 700], columns of 2500 values
  const Tensor s1 = tg::sum(x, {-1});   // [3, 2500], rows of 700 values
  const Tensor s02 = tg::sum(x, {0, 2});  // [2500], two passes
  const Tensor all = tg::sum(x);
  double total = 0;
  for (double e : v) total += e;
  CHECK(all.item() == doctest::Approx(total).epsilon(1e-4));
  for (std::int64_t i : {0, 1, 2}) {
    for (std::int64_t j : {0, 511, 512, 699}) {
      double s = 0;
      for (std::int64_t k = 0; k < 2500; ++k) s += v[(i * 2500 + k) * 700 + j];
      CHECK(s0.at({i, j}) == doctest::Approx(s).epsilon(1e-4));
    }
    for (std::int64_t k : {0, 1777}) {
      double s = 0;
      for (std::int64_t j = 0; j < 700; ++j) s += v[(i * 2500 + k) * 700 + j];
      CHECK(s1.at({i, k}) == doctest::Approx(s).epsilon(1e-4));
    }
  }
  for (std::int64_t k : {0, 1234, 2499}) {
    double s = 0;
    for (std::int64_t i = 0; i < 3; ++i)
      for (std::int64_t j = 0; j < 700; ++j) s += v[(i * 2500 + k) * 700 + j];
    CHECK(s02.at({k}) == doctest::Approx(s).epsilon(1e-4));
  }
}

TEST_CASE("reduce: results do not depend on the thread count") {
  const int before = tg::get_num_threads();
  const Tensor x = random_tensor({1000, 3000}, DType::f32, 9);
  auto run = [&] {
    return std::vector<Tensor>{tg::sum(x), tg::sum(x, {0}), tg::sum(x, {1}), tg::mean(x, {0}),
                               tg::max(x, {0}), tg::norm(x), tg::argmax(x, 0),
                               tg::sum(x.reshape({-1}))};
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

TEST_CASE("reduce: SIMD leaf kernels match their scalar twins at every length") {
  using tg::kernels::Max;
  using tg::kernels::Min;
  using tg::kernels::Sum;
  auto check_type = [](auto tag) {
    using T = decltype(tag);
    const std::int64_t W = xsimd::batch<T>::size;
    // Beyond 2W + 1, so the 4-accumulator body and every tail are covered.
    for (std::int64_t n = 0; n <= 8 * W + 1; ++n) {
      CAPTURE(n);
      std::vector<T> ints(n), reals(n);
      for (std::int64_t i = 0; i < n; ++i) {
        ints[i] = static_cast<T>((i * 7) % 13) - T(6);  // small integers: every order is exact
        reals[i] = static_cast<T>(std::sin(0.37 * static_cast<double>(i)) * 100.0);
      }
      auto simd_sum = tg::kernels::reduce_leaf_simd<T, Sum>,
           scalar_sum = tg::kernels::reduce_leaf_scalar<T, Sum>;
      CHECK(simd_sum(ints.data(), n) == scalar_sum(ints.data(), n));
      // Different orders, so within the classic bound 2 n eps sum |x_i|.
      double sum_abs = 0;
      for (T v : reals) sum_abs += std::abs(v);
      const double eps = std::numeric_limits<T>::epsilon();
      CHECK(std::abs(double(simd_sum(reals.data(), n)) - double(scalar_sum(reals.data(), n))) <=
            2 * double(n) * eps * sum_abs);
      // Max/min are exact in any order: bitwise equal.
      CHECK(tg::kernels::reduce_leaf_simd<T, Max>(reals.data(), n) ==
            tg::kernels::reduce_leaf_scalar<T, Max>(reals.data(), n));
      CHECK(tg::kernels::reduce_leaf_simd<T, Min>(reals.data(), n) ==
            tg::kernels::reduce_leaf_scalar<T, Min>(reals.data(), n));
      // A NaN anywhere wins in both.
      if (n > 0) {
        reals[n / 2] = std::numeric_limits<T>::quiet_NaN();
        CHECK(std::isnan(tg::kernels::reduce_leaf_simd<T, Max>(reals.data(), n)));
        CHECK(std::isnan(tg::kernels::reduce_leaf_scalar<T, Max>(reals.data(), n)));
        CHECK(std::isnan(tg::kernels::reduce_leaf_simd<T, Min>(reals.data(), n)));
      }
    }
  };
  check_type(float{});
  check_type(double{});
}

TEST_CASE("reduce: errors name the op, the axis and the shape") {
  const Tensor e = tg::zeros({3, 0});
  CHECK_THROWS_WITH_AS(tg::max(e, {1}),
                       "max: cannot reduce an empty axis 1 of shape [3, 0] (no identity)",
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::min(e),
                       doctest::Contains("min: cannot reduce an empty axis 1 of shape [3, 0]"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::argmax(e, -1),
                       doctest::Contains("argmax: cannot reduce an empty axis 1 of shape [3, 0]"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::argmin(e, 1),
                       doctest::Contains("argmin: cannot reduce an empty axis 1 of shape [3, 0]"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::argmax(e),
                       doctest::Contains("argmax: cannot reduce an empty axis 1 of shape [3, 0]"),
                       tg::Error);
  const Tensor x = tg::zeros({2, 3});
  for (auto [name, fn] : std::vector<std::pair<const char*, std::function<Tensor()>>>{
           {"sum", [&] { return tg::sum(x, {2}); }},
           {"mean", [&] { return tg::mean(x, {-3}); }},
           {"max", [&] { return tg::max(x, {2}); }},
           {"min", [&] { return tg::min(x, {2}); }},
           {"norm", [&] { return tg::norm(x, 2, {2}); }},
           {"argmax", [&] { return tg::argmax(x, 2); }},
           {"argmin", [&] { return tg::argmin(x, -3); }}}) {
    CAPTURE(name);
    CHECK_THROWS_WITH_AS(fn(), doctest::Contains((std::string(name) + ": axis ").c_str()),
                         tg::Error);
    CHECK_THROWS_WITH_AS(fn(), doctest::Contains("is out of range for a 2-d tensor"), tg::Error);
  }
  CHECK_THROWS_WITH_AS(tg::sum(x, {0, -2}), doctest::Contains("sum: axis list repeats an axis"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::sum(Tensor()), doctest::Contains("sum: the tensor is undefined"),
                       tg::Error);
}
