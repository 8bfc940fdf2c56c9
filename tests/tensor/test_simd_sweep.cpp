// Tests for tensor/simd_kernels.hpp: every vector body against its scalar
// twin over every length 0..2W+1 (so every tail length runs, with and without
// full batches), on aligned and misaligned data, with broadcast operands; then
// the public ops on contiguous and strided tensors against the same twins, and
// IEEE special values placed in every lane.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/simd_kernels.hpp"

using tg::Tensor;
using namespace tg::simd;

namespace {

// Distance in units in the last place: how many representable values lie
// between a and b. NaN matches NaN; +0 matches -0.
template <class T>
std::int64_t ulp_distance(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : INT64_MAX;
  if (a == b) return 0;
  using Bits = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
  auto key = [](T x) {  // monotonic in x: negative values count down from 0
    Bits bits;
    std::memcpy(&bits, &x, sizeof bits);
    const __int128 magnitude = bits & std::numeric_limits<Bits>::max();
    return bits < 0 ? -magnitude : magnitude;
  };
  const __int128 d = key(a) > key(b) ? key(a) - key(b) : key(b) - key(a);
  return d > INT64_MAX ? INT64_MAX : static_cast<std::int64_t>(d);
}

// How each kernel is tested: its input range, whether inputs are rounded to
// integers (so comparisons and max/min see ties), the ulp budget of its vector
// body, and the public op that runs it. There is no primary definition: a
// kernel added to TG_SIMD_*_OPS without a case here does not compile.
template <class Op> struct Case;

struct Exact { static constexpr int ulps = 0; static constexpr bool integers = false; };
struct Ties { static constexpr int ulps = 0; static constexpr bool integers = true; };

template <> struct Case<NegOp> : Exact {
  static constexpr double lo = -10, hi = 10;
  static Tensor api(const Tensor& x) { return tg::neg(x); }
};
template <> struct Case<AbsOp> : Exact {
  static constexpr double lo = -10, hi = 10;
  static Tensor api(const Tensor& x) { return tg::abs(x); }
};
template <> struct Case<SignOp> : Ties {
  static constexpr double lo = -2, hi = 2;
  static Tensor api(const Tensor& x) { return tg::sign(x); }
};
template <> struct Case<SquareOp> : Exact {
  static constexpr double lo = -10, hi = 10;
  static Tensor api(const Tensor& x) { return tg::square(x); }
};
template <> struct Case<ReluOp> : Ties {
  static constexpr double lo = -3, hi = 3;
  static Tensor api(const Tensor& x) { return tg::relu(x); }
};
template <> struct Case<SqrtOp> : Exact {
  static constexpr double lo = 0, hi = 100;
  static Tensor api(const Tensor& x) { return tg::sqrt(x); }
};
template <> struct Case<ExpOp> : Exact {
  static constexpr double lo = -110, hi = 110;  // crosses the f32 limits at -103.9, -87.7, 88.4, 88.7
  static constexpr int ulps = 3;
  static Tensor api(const Tensor& x) { return tg::exp(x); }
};
template <> struct Case<LogOp> : Exact {
  static constexpr double lo = 1e-3, hi = 100;
  static constexpr int ulps = 1;
  static Tensor api(const Tensor& x) { return tg::log(x); }
};
template <> struct Case<TanhOp> : Exact {
  static constexpr double lo = -10, hi = 10;
  static constexpr int ulps = 2;
  static Tensor api(const Tensor& x) { return tg::tanh(x); }
};
template <> struct Case<SigmoidOp> : Exact {
  static constexpr double lo = -120, hi = 120;
  static constexpr int ulps = 3;
  static Tensor api(const Tensor& x) { return tg::sigmoid(x); }
};
template <> struct Case<IdentityOp> : Exact {
  static constexpr double lo = -10, hi = 10;
  static Tensor api(const Tensor& x) { return x.contiguous(); }
};

#define TG_BINARY_CASE(Op, Base, lo_, hi_, fn)                                     \
  template <> struct Case<Op> : Base {                                             \
    static constexpr double lo = lo_, hi = hi_;                                    \
    static Tensor api(const Tensor& a, const Tensor& b) { return fn(a, b); }       \
  };
TG_BINARY_CASE(AddOp, Exact, -10, 10, tg::add)
TG_BINARY_CASE(SubOp, Exact, -10, 10, tg::sub)
TG_BINARY_CASE(MulOp, Exact, -10, 10, tg::mul)
TG_BINARY_CASE(DivOp, Exact, 0.5, 10, tg::div)
TG_BINARY_CASE(MaximumOp, Ties, -3, 3, tg::maximum)
TG_BINARY_CASE(MinimumOp, Ties, -3, 3, tg::minimum)
TG_BINARY_CASE(EqOp, Ties, -2, 2, tg::eq)
TG_BINARY_CASE(NeOp, Ties, -2, 2, tg::ne)
TG_BINARY_CASE(LtOp, Ties, -2, 2, tg::lt)
TG_BINARY_CASE(LeOp, Ties, -2, 2, tg::le)
TG_BINARY_CASE(GtOp, Ties, -2, 2, tg::gt)
TG_BINARY_CASE(GeOp, Ties, -2, 2, tg::ge)
#undef TG_BINARY_CASE

template <class Op, class T>
std::vector<T> sample(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(Case<Op>::lo, Case<Op>::hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(Case<Op>::integers ? std::round(dist(rng)) : dist(rng));
  return v;
}

template <class T> Tensor to_tensor(const std::vector<T>& v) { return tg::from_vector(v); }

// Every element of the vector body's output within the ulp budget of the
// scalar twin, and nothing written past the end.
template <class Op, class T>
void check_row(const std::vector<T>& out, std::int64_t n,
               const std::vector<T>& expected, const std::string& where) {
  const T sentinel = T(-12345);
  CHECK_MESSAGE(out[static_cast<std::size_t>(n)] == sentinel, where, ": wrote past the end");
  for (std::int64_t i = 0; i < n; ++i) {
    const auto d = ulp_distance(out[i], expected[i]);
    CHECK_MESSAGE(d <= Case<Op>::ulps, where, " n=", n, " i=", i, ": simd ", out[i],
                  " vs scalar ", expected[i], " (", d, " ulp)");
  }
}

template <class Op, class T>
void sweep_unary(const char* name) {
  const Op op{};
  constexpr std::int64_t W = Batch<T>::size;
  const std::string where = std::string(name) + "<" + (sizeof(T) == 4 ? "f32" : "f64") + ">";
  for (std::int64_t n = 0; n <= 2 * W + 1; ++n) {
    const std::vector<T> buf = sample<Op, T>(static_cast<std::size_t>(n + 1), 7 + n);
    for (std::int64_t shift : {0, 1}) {  // aligned storage, then one element off
      const T* x = buf.data() + shift;
      const std::int64_t len = n - shift < 0 ? 0 : n - shift;
      std::vector<T> out(static_cast<std::size_t>(len + 1), T(-12345)), expected(len);
      run(op, out.data(), 1, len, Contiguous<T>{x});
      for (std::int64_t i = 0; i < len; ++i) expected[i] = op.scalar(x[i]);
      check_row<Op>(out, len, expected, where);
    }
    // The public op on a contiguous tensor and on every other element of a
    // bigger one (gathered into blocks for the vector body).
    const Tensor t = to_tensor(buf).narrow(0, 0, n);
    const std::vector<T> got = Case<Op>::api(t).template to_vector<T>();
    const Tensor wide = to_tensor(sample<Op, T>(static_cast<std::size_t>(2 * n + 1), 99 + n));
    const Tensor strided = wide.slice(0, 0, 2 * n, 2);
    const std::vector<T> xs = strided.to_vector<T>();
    const std::vector<T> got_strided = Case<Op>::api(strided).template to_vector<T>();
    for (std::int64_t i = 0; i < n; ++i) {
      CHECK_MESSAGE(ulp_distance(got[i], op.scalar(buf[i])) <= Case<Op>::ulps, where, " api n=", n);
      CHECK_MESSAGE(ulp_distance(got_strided[i], op.scalar(xs[i])) <= Case<Op>::ulps, where,
                    " strided n=", n);
    }
  }
}

template <class Op, class T>
void sweep_binary(const char* name) {
  const Op op{};
  constexpr std::int64_t W = Batch<T>::size;
  const std::string where = std::string(name) + "<" + (sizeof(T) == 4 ? "f32" : "f64") + ">";
  for (std::int64_t n = 0; n <= 2 * W + 1; ++n) {
    const std::vector<T> a = sample<Op, T>(static_cast<std::size_t>(n + 1), 11 + n);
    const std::vector<T> b = sample<Op, T>(static_cast<std::size_t>(n + 1), 1000 + n);
    const T s = b[0];
    std::vector<T> out(static_cast<std::size_t>(n + 1), T(-12345)), expected(n);
    // Both contiguous, b misaligned by one element.
    run(op, out.data(), 1, n, Contiguous<T>{a.data()}, Contiguous<T>{b.data() + 1});
    for (std::int64_t i = 0; i < n; ++i) expected[i] = op.scalar(a[i], b[i + 1]);
    check_row<Op>(out, n, expected, where + " contiguous");
    // A scalar on the right, then on the left.
    run(op, out.data(), 1, n, Contiguous<T>{a.data()}, Broadcast<T>{s});
    for (std::int64_t i = 0; i < n; ++i) expected[i] = op.scalar(a[i], s);
    check_row<Op>(out, n, expected, where + " scalar rhs");
    run(op, out.data(), 1, n, Broadcast<T>{s}, Contiguous<T>{a.data()});
    for (std::int64_t i = 0; i < n; ++i) expected[i] = op.scalar(s, a[i]);
    check_row<Op>(out, n, expected, where + " scalar lhs");
    // The public op on contiguous tensors and on every-other-element views
    // (strided binary rows run the scalar twin, so those match exactly).
    const Tensor ta = to_tensor(a).narrow(0, 0, n), tb = to_tensor(b).narrow(0, 1, n);
    const std::vector<T> got = Case<Op>::api(ta, tb).template to_vector<T>();
    const Tensor wa = to_tensor(sample<Op, T>(static_cast<std::size_t>(2 * n + 1), 5 + n));
    const Tensor wb = to_tensor(sample<Op, T>(static_cast<std::size_t>(2 * n + 1), 500 + n));
    const Tensor sa = wa.slice(0, 1, 2 * n + 1, 2), sb = wb.slice(0, 0, 2 * n, 2);
    const std::vector<T> got_strided = Case<Op>::api(sa, sb).template to_vector<T>();
    const std::vector<T> xa = sa.to_vector<T>(), xb = sb.to_vector<T>();
    for (std::int64_t i = 0; i < n; ++i) {
      CHECK_MESSAGE(ulp_distance(got[i], op.scalar(a[i], b[i + 1])) <= Case<Op>::ulps, where,
                    " api n=", n);
      CHECK_MESSAGE(ulp_distance(got_strided[i], op.scalar(xa[i], xb[i])) == 0, where,
                    " strided n=", n);
    }
  }
}

}  // namespace

TEST_CASE("simd: every unary kernel matches its scalar twin at every tail length") {
#define TG_SWEEP(Op)              \
  sweep_unary<Op, float>(#Op);    \
  sweep_unary<Op, double>(#Op);
  TG_SIMD_UNARY_OPS(TG_SWEEP)
#undef TG_SWEEP
}

TEST_CASE("simd: every binary kernel matches its scalar twin at every tail length") {
#define TG_SWEEP(Op)              \
  sweep_binary<Op, float>(#Op);   \
  sweep_binary<Op, double>(#Op);
  TG_SIMD_BINARY_OPS(TG_SWEEP)
#undef TG_SWEEP
}

// The functors that carry state (clamp bounds, add_'s alpha) or a third
// operand are not in the X-macro lists; the same sweep, written out.
template <class T>
void sweep_stateful() {
  constexpr std::int64_t W = Batch<T>::size;
  const ClampOp<T> clamp{T(-1), T(2)};
  const AxpyOp<T> axpy{T(0.3)};
  for (std::int64_t n = 0; n <= 2 * W + 1; ++n) {
    const std::vector<T> a = sample<ReluOp, T>(static_cast<std::size_t>(n), 3 + n);  // integers in [-3, 3]
    const std::vector<T> b = sample<AddOp, T>(static_cast<std::size_t>(n), 300 + n);
    std::vector<T> out(static_cast<std::size_t>(n + 1), T(-12345)), expected(n);
    run(clamp, out.data(), 1, n, Contiguous<T>{b.data()});
    for (std::int64_t i = 0; i < n; ++i) expected[i] = clamp.scalar(b[i]);
    check_row<NegOp>(out, n, expected, "ClampOp");  // NegOp: its exact (0 ulp) budget
    run(axpy, out.data(), 1, n, Contiguous<T>{a.data()}, Contiguous<T>{b.data()});
    for (std::int64_t i = 0; i < n; ++i) expected[i] = axpy.scalar(a[i], b[i]);
    check_row<NegOp>(out, n, expected, "AxpyOp");
    run(WhereOp{}, out.data(), 1, n, Contiguous<T>{a.data()}, Contiguous<T>{b.data()},
        Broadcast<T>{T(7)});
    for (std::int64_t i = 0; i < n; ++i) expected[i] = WhereOp{}.scalar(a[i], b[i], T(7));
    check_row<NegOp>(out, n, expected, "WhereOp");
  }
}

TEST_CASE("simd: clamp, axpy and where match their scalar twins at every tail length") {
  sweep_stateful<float>();
  sweep_stateful<double>();
}

// Puts `x` at every position of a row of 3W+1 fillers (so it lands in each
// lane of a full batch and in the tail) and returns op's value there.
template <class T, class Fn>
void check_in_every_lane(Fn op, T x, T expected, const char* what) {
  const std::int64_t n = 3 * Batch<T>::size + 1;
  for (std::int64_t p = 0; p < n; ++p) {
    std::vector<T> v(static_cast<std::size_t>(n), T(0.5));
    v[p] = x;
    const T got = op(tg::from_vector(v)).template to_vector<T>()[p];
    CHECK_MESSAGE(ulp_distance(got, expected) <= 2, std::string(what), "(", x, ") at ", p, " = ", got,
                  ", expected ", expected);
  }
}

template <class T>
void special_values() {
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  auto exp = [](const Tensor& t) { return tg::exp(t); };
  check_in_every_lane<T>(exp, T(0), T(1), "exp");
  check_in_every_lane<T>(exp, inf, inf, "exp");
  check_in_every_lane<T>(exp, -inf, T(0), "exp");
  check_in_every_lane<T>(exp, nan, nan, "exp");
  // Around the limits of the type (Note [exp near the limits]); std::exp is the truth.
  const T limits[] = {T(88), T(88.5), T(88.72), T(89), T(-87.5), T(-88), T(-89), T(-100),
                      T(-104), T(709.5), T(-708.5), T(-740), T(-746)};
  for (T x : limits) check_in_every_lane<T>(exp, x, std::exp(x), "exp");
  CHECK(std::isfinite(tg::exp(tg::full({40}, 88.7, tg::DType::f32)).template to_vector<float>()[0]));

  auto log = [](const Tensor& t) { return tg::log(t); };
  check_in_every_lane<T>(log, T(1), T(0), "log");
  check_in_every_lane<T>(log, T(0), -inf, "log");
  check_in_every_lane<T>(log, T(-1), nan, "log");
  check_in_every_lane<T>(log, inf, inf, "log");
  check_in_every_lane<T>(log, nan, nan, "log");
  const T tiny = std::numeric_limits<T>::denorm_min() * T(1000);  // subnormal
  check_in_every_lane<T>(log, tiny, std::log(tiny), "log");

  auto sqrt = [](const Tensor& t) { return tg::sqrt(t); };
  check_in_every_lane<T>(sqrt, T(-1), nan, "sqrt");
  check_in_every_lane<T>(sqrt, inf, inf, "sqrt");

  auto tanh = [](const Tensor& t) { return tg::tanh(t); };
  for (T x : {T(0), T(20), T(-20), inf, -inf, T(1e-6)}) check_in_every_lane<T>(tanh, x, std::tanh(x), "tanh");
  check_in_every_lane<T>(tanh, nan, nan, "tanh");

  auto sigmoid = [](const Tensor& t) { return tg::sigmoid(t); };
  check_in_every_lane<T>(sigmoid, T(0), T(0.5), "sigmoid");
  check_in_every_lane<T>(sigmoid, T(1000), T(1), "sigmoid");
  check_in_every_lane<T>(sigmoid, T(800), T(1), "sigmoid");
  check_in_every_lane<T>(sigmoid, T(-1000), T(0), "sigmoid");
  check_in_every_lane<T>(sigmoid, T(-800), T(0), "sigmoid");
  check_in_every_lane<T>(sigmoid, inf, T(1), "sigmoid");
  check_in_every_lane<T>(sigmoid, -inf, T(0), "sigmoid");
  check_in_every_lane<T>(sigmoid, nan, nan, "sigmoid");
  check_in_every_lane<T>(sigmoid, T(-30), static_cast<T>(1 / (1 + std::exp(30.0))), "sigmoid");

  auto relu = [](const Tensor& t) { return tg::relu(t); };
  check_in_every_lane<T>(relu, nan, nan, "relu");
  check_in_every_lane<T>(relu, T(0), T(0), "relu");
  check_in_every_lane<T>(relu, -inf, T(0), "relu");
  auto sign = [](const Tensor& t) { return tg::sign(t); };
  check_in_every_lane<T>(sign, T(0), T(0), "sign");
  check_in_every_lane<T>(sign, T(-0.0), T(0), "sign");
  check_in_every_lane<T>(sign, nan, nan, "sign");
  check_in_every_lane<T>(sign, -inf, T(-1), "sign");
  auto abs = [](const Tensor& t) { return tg::abs(t); };
  check_in_every_lane<T>(abs, -inf, inf, "abs");

  const Tensor half = tg::full({3 * Batch<T>::size + 1}, 0.5, tg::dtype_v<T>);
  for (T x : {nan}) {
    auto max_l = [&](const Tensor& t) { return tg::maximum(t, half); };
    auto max_r = [&](const Tensor& t) { return tg::maximum(half, t); };
    auto min_l = [&](const Tensor& t) { return tg::minimum(t, half); };
    auto min_r = [&](const Tensor& t) { return tg::minimum(half, t); };
    check_in_every_lane<T>(max_l, x, nan, "maximum");
    check_in_every_lane<T>(max_r, x, nan, "maximum");
    check_in_every_lane<T>(min_l, x, nan, "minimum");
    check_in_every_lane<T>(min_r, x, nan, "minimum");
  }
  // NaN compares unequal to everything, itself included (Note [xsimd !=]).
  auto ne_self = [](const Tensor& t) { return tg::ne(t, t); };
  auto eq_self = [](const Tensor& t) { return tg::eq(t, t); };
  auto ne_half = [&](const Tensor& t) { return tg::ne(t, half); };
  auto le_half = [&](const Tensor& t) { return tg::le(t, half); };
  check_in_every_lane<T>(ne_self, nan, T(1), "ne");
  check_in_every_lane<T>(eq_self, nan, T(0), "eq");
  check_in_every_lane<T>(ne_half, nan, T(1), "ne");
  check_in_every_lane<T>(le_half, nan, T(0), "le");
  // where: NaN is non-zero, so it selects a.
  auto pick = [&](const Tensor& t) { return tg::where(t, tg::full_like(half, 3), half); };
  check_in_every_lane<T>(pick, nan, T(3), "where");
  check_in_every_lane<T>(pick, T(-0.0), T(0.5), "where");
}

TEST_CASE("simd: IEEE special values in every lane and in the tail") {
  special_values<float>();
  special_values<double>();
}
