// Tests for tensor/elementwise.hpp: every op against the C library in double
// (or exact arithmetic), NumPy broadcasting, views as inputs and outputs,
// in-place updates, and every error message.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/parallel.hpp"
#include "tensor/random.hpp"

using tg::DType;
using tg::Shape;
using tg::Tensor;

namespace {

std::vector<double> values(const Tensor& t) { return t.to_double_vector(); }

// A reproducible tensor with values in [lo, hi).
Tensor uniform(const Shape& shape, double lo, double hi, DType dtype = DType::f32,
               std::uint64_t seed = 1) {
  tg::Generator gen(seed);
  return tg::uniform(shape, lo, hi, gen, dtype);
}

// Exact when rtol is 0, otherwise within rtol relative to want; NaN matches NaN.
bool close(double got, double want, double rtol) {
  if (std::isnan(want)) return std::isnan(got);
  if (rtol == 0) return got == want;
  return std::fabs(got - want) <= rtol * std::fabs(want);
}

// Each element of `got` against f applied in double to the elements of a and
// b at the same broadcast index (computed here, independently of the library).
// With rtol = 0 an f32 result must equal the double result rounded to f32:
// +, -, *, / are correctly rounded, and rounding twice (to double, then to
// float) cannot change the result of one such operation on floats.
void check_binary(const Tensor& got, const Tensor& a, const Tensor& b,
                  const std::function<double(double, double)>& f, double rtol = 0) {
  const Shape& s = got.shape();
  const auto va = values(a.expand(s)), vb = values(b.expand(s)), vg = values(got);
  REQUIRE(vg.size() == va.size());
  for (std::size_t i = 0; i < vg.size(); ++i) {
    double want = f(va[i], vb[i]);
    if (got.dtype() == DType::f32 && rtol == 0) want = static_cast<float>(want);
    CHECK_MESSAGE(close(vg[i], want, rtol), "a = ", va[i], ", b = ", vb[i], ": ", vg[i], " vs ", want);
  }
}

void check_unary(const Tensor& got, const Tensor& x, const std::function<double(double)>& f,
                 double rtol) {
  const auto vx = values(x), vg = values(got);
  REQUIRE(vg.size() == vx.size());
  for (std::size_t i = 0; i < vg.size(); ++i) {
    double want = f(vx[i]);
    if (got.dtype() == DType::f32 && rtol == 0) want = static_cast<float>(want);
    CHECK_MESSAGE(close(vg[i], want, rtol), "x = ", vx[i], ": ", vg[i], " vs ", want);
  }
}

}  // namespace

TEST_CASE("elementwise: arithmetic matches double arithmetic") {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor a = uniform({5, 37}, -4, 4, dt, 1);
    const Tensor b = uniform({5, 37}, 0.5, 3, dt, 2);
    check_binary(a + b, a, b, [](double x, double y) { return x + y; });
    check_binary(a - b, a, b, [](double x, double y) { return x - y; });
    check_binary(a * b, a, b, [](double x, double y) { return x * y; });
    check_binary(a / b, a, b, [](double x, double y) { return x / y; });
    check_binary(tg::maximum(a, b), a, b, [](double x, double y) { return std::max(x, y); });
    check_binary(tg::minimum(a, b), a, b, [](double x, double y) { return std::min(x, y); });
    const double pow_tol = dt == DType::f32 ? 1e-6 : 1e-15;
    check_binary(tg::pow(b, a), b, a, [](double x, double y) { return std::pow(x, y); }, pow_tol);
    CHECK((a + b).dtype() == dt);
  }
}

TEST_CASE("elementwise: unary math matches the C library in double") {
  for (DType dt : {DType::f32, DType::f64}) {
    const double tol = dt == DType::f32 ? 4e-7 : 5e-16;  // about 3 ulp
    const Tensor x = uniform({3, 41}, -6, 6, dt, 3);
    const Tensor pos = uniform({3, 41}, 1e-3, 50, dt, 4);
    check_unary(tg::exp(x), x, [](double v) { return std::exp(v); }, tol);
    check_unary(tg::log(pos), pos, [](double v) { return std::log(v); }, tol);
    check_unary(tg::sqrt(pos), pos, [](double v) { return std::sqrt(v); }, tol);
    check_unary(tg::tanh(x), x, [](double v) { return std::tanh(v); }, tol);
    check_unary(tg::sigmoid(x), x, [](double v) { return 1 / (1 + std::exp(-v)); }, tol);
    check_unary(-x, x, [](double v) { return -v; }, 0);
    check_unary(tg::abs(x), x, [](double v) { return std::fabs(v); }, 0);
    check_unary(tg::square(x), x, [](double v) { return v * v; }, tol);
    check_unary(tg::relu(x), x, [](double v) { return v > 0 ? v : 0; }, 0);
    check_unary(tg::sign(x), x, [](double v) { return (v > 0) - (v < 0); }, 0);
    check_unary(tg::clamp(x, -1, 2), x, [](double v) { return std::min(std::max(v, -1.0), 2.0); }, 0);
    check_unary(tg::pow(x, 2.0), x, [](double v) { return v * v; }, tol);
    check_unary(tg::pow(pos, 0.5), pos, [](double v) { return std::sqrt(v); }, tol);
  }
}

TEST_CASE("elementwise: analytic identities") {
  const Tensor x = uniform({1000}, -5, 5, DType::f64, 5);
  // sigmoid(x) + sigmoid(-x) = 1; tanh(x) = 2 sigmoid(2x) - 1; log(exp(x)) = x.
  for (double v : values(tg::sigmoid(x) + tg::sigmoid(-x))) CHECK(v == doctest::Approx(1).epsilon(1e-15));
  const auto t = values(tg::tanh(x)), s = values(2.0 * tg::sigmoid(2.0 * x) - 1.0);
  for (std::size_t i = 0; i < t.size(); ++i) CHECK(t[i] == doctest::Approx(s[i]).epsilon(1e-13).scale(1));
  const auto r = values(tg::log(tg::exp(x))), vx = values(x);
  for (std::size_t i = 0; i < r.size(); ++i) CHECK(r[i] == doctest::Approx(vx[i]).epsilon(1e-14).scale(1));
}

TEST_CASE("elementwise: exact values at the kinks and the limits") {
  const Tensor x = tg::tensor({-2, -0.0, 0, 3});
  CHECK(values(tg::relu(x)) == std::vector<double>{0, 0, 0, 3});
  CHECK(values(tg::sign(x)) == std::vector<double>{-1, 0, 0, 1});
  CHECK(values(tg::abs(x)) == std::vector<double>{2, 0, 0, 3});
  CHECK(tg::sigmoid(tg::scalar(0)).item() == 0.5);
  CHECK(tg::sigmoid(tg::scalar(-800)).item() == 0);
  CHECK(tg::sigmoid(tg::scalar(800)).item() == 1);
  CHECK(tg::sigmoid(tg::scalar(-1000, DType::f64)).item() == 0);
  const double big = tg::exp(tg::scalar(88.7f)).item();  // just below FLT_MAX
  CHECK(big == doctest::Approx(std::exp(88.7f)).epsilon(1e-6));
  CHECK(std::isinf(tg::exp(tg::scalar(89)).item()));
  CHECK(tg::exp(tg::scalar(-89)).item() < 1e-38);
  CHECK(std::isinf(tg::log(tg::scalar(0)).item()));
  CHECK(std::isnan(tg::log(tg::scalar(-1)).item()));
  CHECK(values(tg::clamp(tg::tensor({-5, 0.5, 5}), 0, 1)) == std::vector<double>{0, 0.5, 1});
  CHECK(values(tg::clamp(tg::tensor({-5, 0.5, 5}), 2, 2)) == std::vector<double>{2, 2, 2});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(tg::relu(tg::scalar(nan)).item()));
  CHECK(std::isnan(tg::maximum(tg::scalar(nan), tg::scalar(1)).item()));
  CHECK(std::isnan(tg::minimum(tg::scalar(1), tg::scalar(nan)).item()));
  CHECK(std::isnan(tg::clamp(tg::scalar(nan), 0, 1).item()));
}

TEST_CASE("elementwise: broadcasting follows NumPy") {
  const Tensor m = tg::tensor({{1, 2, 3}, {4, 5, 6}});  // [2, 3]
  const Tensor row = tg::tensor({10, 20, 30});           // [3]
  const Tensor col = tg::tensor({100, 200}).reshape({2, 1});         // [2, 1]
  CHECK(values(m + row) == std::vector<double>{11, 22, 33, 14, 25, 36});
  CHECK(values(row + m) == std::vector<double>{11, 22, 33, 14, 25, 36});
  CHECK(values(m - col) == std::vector<double>{-99, -98, -97, -196, -195, -194});
  // [2, 1] + [1, 3] -> [2, 3]: both operands grow.
  const Tensor outer = col + row.reshape({1, 3});
  CHECK(outer.shape() == Shape{2, 3});
  CHECK(values(outer) == std::vector<double>{110, 120, 130, 210, 220, 230});
  // 0-d with anything.
  CHECK((tg::scalar(2) * m).shape() == Shape{2, 3});
  CHECK(values(m * tg::scalar(2)) == std::vector<double>{2, 4, 6, 8, 10, 12});
  CHECK((tg::scalar(2) + tg::scalar(3)).dim() == 0);
  CHECK((tg::scalar(2) + tg::scalar(3)).item() == 5);
  // A one-element tensor of higher rank still broadcasts.
  CHECK(values(m / tg::full({1, 1}, 2)) == std::vector<double>{0.5, 1, 1.5, 2, 2.5, 3});
  // Leading axes: [4, 1, 3] + [2, 1] -> [4, 2, 3].
  const Tensor a3 = tg::arange(12, DType::f32).reshape({4, 1, 3});
  const Tensor sum3 = a3 + col;
  CHECK(sum3.shape() == Shape{4, 2, 3});
  CHECK(sum3.at({3, 1, 2}) == 11 + 200);
  CHECK(sum3.at({2, 0, 1}) == 7 + 100);
  // Empty tensors: the broadcast shape, no elements, no error.
  const Tensor empty = tg::zeros({0, 3});
  CHECK((empty + row).shape() == Shape{0, 3});
  CHECK((empty * tg::scalar(2)).numel() == 0);
  CHECK(tg::exp(empty).shape() == Shape{0, 3});
  CHECK((tg::zeros({2, 0}) + tg::zeros({2, 1})).shape() == Shape{2, 0});
  CHECK(tg::where(tg::zeros({0}), tg::zeros({0}), tg::scalar(1)).numel() == 0);
}

TEST_CASE("elementwise: views as inputs (transposed, sliced, expanded)") {
  const Tensor base = uniform({6, 8}, -3, 3, DType::f64, 7);
  const Tensor t = base.transpose(0, 1);                   // [8, 6], strides (1, 8)
  const Tensor sl = base.slice(1, 1, 8, 2);                // [6, 4], stride 2 inner
  const Tensor ex = tg::tensor({1, 2, 3, 4}, DType::f64).expand({6, 4});
  const Tensor other = uniform({8, 6}, -3, 3, DType::f64, 8);
  check_binary(t + other, t, other, [](double x, double y) { return x + y; });
  check_binary(other * t, other, t, [](double x, double y) { return x * y; });
  check_binary(sl - ex, sl, ex, [](double x, double y) { return x - y; });
  check_binary(tg::maximum(sl, ex), sl, ex, [](double x, double y) { return std::max(x, y); });
  check_unary(tg::exp(t), t, [](double v) { return std::exp(v); }, 1e-15);
  check_unary(tg::tanh(sl), sl, [](double v) { return std::tanh(v); }, 1e-15);
  // The result is a fresh contiguous tensor that shares nothing.
  const Tensor r = t + other;
  CHECK(r.is_contiguous());
  CHECK_FALSE(r.shares_storage(t));
  // Transposed with transposed: same layout on both sides.
  check_binary(t * t, t, t, [](double x, double y) { return x * y; });
}

TEST_CASE("elementwise: large tensors split across threads give identical results") {
  // [3, 50001] + [3, 1]: chunks of the parallel loop start and end inside rows.
  const Tensor a = uniform({3, 50001}, -2, 2, DType::f32, 9);
  const Tensor col = tg::tensor({1, 2, 3}).reshape({3, 1});
  const Tensor row = uniform({50001}, -2, 2, DType::f32, 10);
  const int threads = tg::get_num_threads();
  tg::set_num_threads(1);
  const auto one_exp = values(tg::exp(a)), one_add = values(a + col), one_row = values(a * row);
  tg::set_num_threads(4);
  const auto four_exp = values(tg::exp(a)), four_add = values(a + col), four_row = values(a * row);
  tg::set_num_threads(threads);
  CHECK(one_exp == four_exp);
  CHECK(one_add == four_add);
  CHECK(one_row == four_row);
  check_binary(a + col, a, col, [](double x, double y) { return x + y; });
  check_binary(a * row, a, row, [](double x, double y) { return x * y; });
  const Tensor at = a.transpose(0, 1);  // strided, large
  check_binary(at + tg::scalar(1), at, tg::scalar(1), [](double x, double y) { return x + y; });
}

TEST_CASE("elementwise: scalar operands take the tensor's dtype") {
  const Tensor f = tg::tensor({1, 2, 4});
  CHECK(values(f + 0.5) == std::vector<double>{1.5, 2.5, 4.5});
  CHECK(values(0.5 + f) == std::vector<double>{1.5, 2.5, 4.5});
  CHECK(values(f - 1) == std::vector<double>{0, 1, 3});
  CHECK(values(10.0 - f) == std::vector<double>{9, 8, 6});
  CHECK(values(f * 3) == std::vector<double>{3, 6, 12});
  CHECK(values(3.0 * f) == std::vector<double>{3, 6, 12});
  CHECK(values(f / 2) == std::vector<double>{0.5, 1, 2});
  CHECK(values(8.0 / f) == std::vector<double>{8, 4, 2});
  CHECK(values(tg::pow(f, 3.0)) == std::vector<double>{1, 8, 64});
  CHECK((f + 0.5).dtype() == DType::f32);
  const Tensor d = tg::tensor({1, 2}, DType::f64);
  CHECK((d * 0.1).dtype() == DType::f64);
  CHECK(values(d * 0.1) == std::vector<double>{0.1, 0.2});  // 0.1 kept in double
  const Tensor i = tg::arange(4);  // i64
  CHECK((i + 2.7).dtype() == DType::i64);
  CHECK(values(i + 2.7) == std::vector<double>{2, 3, 4, 5});  // 2.7 -> 2
}

TEST_CASE("elementwise: i64 arithmetic") {
  const Tensor a = tg::from_vector(std::vector<std::int64_t>{-7, 7, 9, -9});
  const Tensor b = tg::from_vector(std::vector<std::int64_t>{2, 2, -4, -4});
  CHECK(values(a / b) == std::vector<double>{-3, 3, -2, 2});  // truncates toward zero
  CHECK(values(a + b) == std::vector<double>{-5, 9, 5, -13});
  CHECK(values(a * b) == std::vector<double>{-14, 14, -36, 36});
  CHECK(values(-a) == std::vector<double>{7, -7, -9, 9});
  CHECK(values(tg::abs(a)) == std::vector<double>{7, 7, 9, 9});
  CHECK(values(tg::sign(a)) == std::vector<double>{-1, 1, 1, -1});
  CHECK(values(tg::relu(a)) == std::vector<double>{0, 7, 9, 0});
  CHECK(values(tg::square(b)) == std::vector<double>{4, 4, 16, 16});
  CHECK(values(tg::clamp(a, -8, 8)) == std::vector<double>{-7, 7, 8, -8});
  CHECK(values(tg::maximum(a, b)) == std::vector<double>{2, 7, 9, -4});
  CHECK(values(tg::gt(a, 0.0)) == std::vector<double>{0, 1, 1, 0});
  const Tensor big = tg::full({1}, -9.2233720368547758e18, DType::i64);  // INT64_MIN
  CHECK((big / tg::full({1}, -1, DType::i64)).to_vector<std::int64_t>()[0] ==
        std::numeric_limits<std::int64_t>::min());  // wraps, like neg
}

TEST_CASE("elementwise: comparisons give 0/1 in the operands' dtype") {
  for (DType dt : {DType::f32, DType::f64, DType::i64}) {
    const Tensor a = tg::tensor({1, 2, 3}, dt);
    const Tensor b = tg::tensor({3, 2, 1}, dt);
    CHECK(tg::eq(a, b).dtype() == dt);
    CHECK(values(tg::eq(a, b)) == std::vector<double>{0, 1, 0});
    CHECK(values(tg::ne(a, b)) == std::vector<double>{1, 0, 1});
    CHECK(values(tg::lt(a, b)) == std::vector<double>{1, 0, 0});
    CHECK(values(tg::le(a, b)) == std::vector<double>{1, 1, 0});
    CHECK(values(tg::gt(a, b)) == std::vector<double>{0, 0, 1});
    CHECK(values(tg::ge(a, b)) == std::vector<double>{0, 1, 1});
    CHECK(values(tg::gt(a, 1.5)) == std::vector<double>{0, 1, 1});
    CHECK(values(tg::lt(a, 2.0)) == std::vector<double>{1, 0, 0});
  }
  // Broadcast: [2, 1] against [3].
  const Tensor grid = tg::lt(tg::tensor({1, 2}).reshape({2, 1}), tg::tensor({0, 1.5, 3}));
  CHECK(grid.shape() == Shape{2, 3});
  CHECK(values(grid) == std::vector<double>{0, 1, 1, 0, 0, 1});
  // A mask multiplies a tensor directly.
  const Tensor x = tg::tensor({-1, 2, -3, 4});
  CHECK(values(x * tg::gt(x, 0.0)) == std::vector<double>{0, 2, 0, 4});
}

TEST_CASE("elementwise: where broadcasts all three and treats non-zero as true") {
  const Tensor cond = tg::tensor({1, 0}).reshape({2, 1});  // [2, 1]
  const Tensor a = tg::tensor({1, 2, 3});      // [3]
  const Tensor b = tg::scalar(-1);             // []
  const Tensor w = tg::where(cond, a, b);
  CHECK(w.shape() == Shape{2, 3});
  CHECK(values(w) == std::vector<double>{1, 2, 3, -1, -1, -1});
  // Non-zero of any sign or size is true; cond may have another dtype.
  const Tensor c2 = tg::tensor({-2, 0, 0.25, 1e-30}, DType::f64);
  CHECK(values(tg::where(c2, tg::ones({4}), tg::zeros({4}))) == std::vector<double>{1, 0, 1, 1});
  const Tensor ci = tg::from_vector(std::vector<std::int64_t>{0, 5});
  CHECK(values(tg::where(ci, tg::tensor({1, 2}), tg::tensor({3, 4}))) == std::vector<double>{3, 2});
  // Strided operands.
  const Tensor m = tg::arange(6, DType::f32).reshape({2, 3});
  const Tensor wt = tg::where(tg::gt(m.transpose(0, 1), 2.0), m.transpose(0, 1), tg::scalar(0));
  CHECK(values(wt) == std::vector<double>{0, 3, 0, 4, 0, 5});
}

TEST_CASE("elementwise: add_ and mul_ write in place and bump the version") {
  Tensor out = tg::ones({2, 3});
  const Tensor keep = out;  // another handle on the same storage
  const auto v0 = out.storage()->version();
  tg::add_(out, tg::tensor({1, 2, 3}), 2.0);  // row broadcast, alpha = 2
  CHECK(values(keep) == std::vector<double>{3, 5, 7, 3, 5, 7});
  CHECK(out.storage()->version() == v0 + 1);
  tg::mul_(out, 0.5);
  CHECK(values(keep) == std::vector<double>{1.5, 2.5, 3.5, 1.5, 2.5, 3.5});
  CHECK(out.storage()->version() == v0 + 2);
  tg::add_(out, tg::scalar(1));
  CHECK(values(out) == std::vector<double>{2.5, 3.5, 4.5, 2.5, 3.5, 4.5});
  // Into a strided view: only the viewed elements change.
  Tensor big = tg::zeros({4, 4});
  Tensor col = big.select(1, 2);  // [4], stride 4
  tg::add_(col, tg::tensor({1, 2, 3, 4}));
  CHECK(values(big.select(1, 2)) == std::vector<double>{1, 2, 3, 4});
  CHECK(values(big.select(1, 1)) == std::vector<double>{0, 0, 0, 0});
  Tensor tr = big.transpose(0, 1);
  tg::mul_(tr, 10);
  CHECK(big.at({3, 2}) == 40);
  // Reading a different view of the same memory: x += x^T uses the old x.
  Tensor x = tg::tensor({{1, 2}, {3, 4}});
  tg::add_(x, x.transpose(0, 1));
  CHECK(values(x) == std::vector<double>{2, 5, 5, 8});
  tg::add_(x, x);  // the identical view is fine
  CHECK(values(x) == std::vector<double>{4, 10, 10, 16});
  Tensor i = tg::arange(3);
  tg::add_(i, tg::arange(3), 3.0);
  CHECK(values(i) == std::vector<double>{0, 4, 8});
}

TEST_CASE("elementwise: copies and conversions through views") {
  const Tensor m = tg::arange(6, DType::f64).reshape({2, 3});
  const Tensor t = m.transpose(0, 1).to(DType::f32);
  CHECK(t.dtype() == DType::f32);
  CHECK(values(t) == std::vector<double>{0, 3, 1, 4, 2, 5});
  CHECK(values(tg::tensor({-1.7, 2.9}).to(DType::i64)) == std::vector<double>{-1, 2});
  Tensor sq = tg::arange(9, DType::f32).reshape({3, 3});
  sq.copy_(sq.transpose(0, 1));  // in-place transpose needs a temporary
  CHECK(values(sq) == std::vector<double>{0, 3, 6, 1, 4, 7, 2, 5, 8});
  Tensor dst = tg::zeros({2, 3});
  dst.copy_(tg::tensor({7, 8, 9}));
  CHECK(values(dst) == std::vector<double>{7, 8, 9, 7, 8, 9});
}

TEST_CASE("elementwise: error messages name the op, the dtypes and the shapes") {
  const Tensor f = tg::zeros({2, 3});
  const Tensor d = tg::zeros({3}, DType::f64);
  const Tensor i = tg::arange(3);
  CHECK_THROWS_WITH_AS(tg::add(f, d), doctest::Contains("add: dtypes differ: f32 [2, 3] and f64 [3]"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(f * d, doctest::Contains(".to("), tg::Error);
  CHECK_THROWS_WITH_AS(tg::where(f, f, d), doctest::Contains("where: dtypes differ"), tg::Error);
  CHECK_THROWS_WITH_AS(tg::mul(f, tg::zeros({4})),
                       doctest::Contains("mul: shapes [2, 3] and [4] cannot be broadcast"), tg::Error);
  CHECK_THROWS_WITH_AS(tg::where(tg::zeros({5}), f, f), doctest::Contains("where: shapes"), tg::Error);
  CHECK_THROWS_WITH_AS(tg::eq(f, tg::zeros({2})), doctest::Contains("eq: shapes [2, 3] and [2]"),
                       tg::Error);
  for (auto [name, op] : std::vector<std::pair<const char*, Tensor (*)(const Tensor&)>>{
           {"exp", tg::exp}, {"log", tg::log}, {"sqrt", tg::sqrt}, {"tanh", tg::tanh},
           {"sigmoid", tg::sigmoid}}) {
    CHECK_THROWS_WITH_AS(op(i), doctest::Contains((std::string(name) + ": expected a floating dtype").c_str()),
                         tg::Error);
  }
  CHECK_THROWS_WITH_AS(tg::pow(i, i), doctest::Contains("pow: expected a floating dtype"), tg::Error);
  CHECK_THROWS_WITH_AS(tg::pow(i, 2.0), doctest::Contains("pow: expected a floating dtype"), tg::Error);
  CHECK_THROWS_WITH_AS(i / tg::from_vector(std::vector<std::int64_t>{1, 0, 2}),
                       doctest::Contains("div: integer division by zero"), tg::Error);
  CHECK_THROWS_WITH_AS(i / 0.0, doctest::Contains("div: integer division by zero"), tg::Error);
  CHECK_THROWS_WITH_AS(tg::clamp(f, 2, 1), doctest::Contains("clamp: lo (2) is greater than hi (1)"),
                       tg::Error);
  Tensor out = tg::zeros({3});
  CHECK_THROWS_WITH_AS(tg::add_(out, f),
                       doctest::Contains("add_: the operand of shape [2, 3] does not broadcast to the output's shape [3]"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::add_(out, d), doctest::Contains("add_: dtypes differ: f32 [3] and f64 [3]"),
                       tg::Error);
  Tensor expanded = tg::zeros({1, 3}).expand({4, 3});
  CHECK_THROWS_WITH_AS(tg::mul_(expanded, 2), doctest::Contains("mul_: the output of shape [4, 3]"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::exp(Tensor{}), doctest::Contains("exp: the tensor is undefined"), tg::Error);
  CHECK_THROWS_WITH_AS(tg::add(f, Tensor{}), doctest::Contains("add: the tensor is undefined"), tg::Error);
  // Nothing was written by the failed in-place calls.
  CHECK(values(out) == std::vector<double>{0, 0, 0});
}
