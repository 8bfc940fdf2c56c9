// tensor/simd_kernels.hpp — elementwise functors, each an xsimd body with its
// scalar twin beside it, and the loop that runs them over one row of data.
//
// A functor has `scalar(x...)`, the definition for one element of any dtype it
// supports, and, when a vector form exists, `simd(batch...)` for a whole
// xsimd::batch of f32 or f64 (default architecture: AVX-512 with -march=native,
// SSE2 in a portable build). `run` uses `simd` over full batches of
// contiguous rows and the scalar twin for the tail (n % W) and for everything
// else: i64, strided rows, mixed element types, functors without `simd`.
//
// The twins must agree: bit for bit for +, -, *, /, sqrt, comparisons and
// selections; within a few ulp for exp, log, tanh, sigmoid (xsimd's
// polynomials against the C library). tests/tensor/test_simd_sweep.cpp
// checks every functor in TG_SIMD_UNARY_OPS / TG_SIMD_BINARY_OPS over every
// tail length.
//
// Internal header: used by tensor/*.cpp and the tests, not installed.
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <type_traits>

// GCC 12 reports -Wmaybe-uninitialized inside its own AVX-512 intrinsics
// (the `__Y = __Y` idiom of _mm512_undefined_*, GCC bug 105593) wherever
// xsimd inlines them; the warning is about the compiler's header, not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <xsimd/xsimd.hpp>
#pragma GCC diagnostic pop

namespace tg::simd {

/// One register of T for the architecture we compiled for.
template <class T> using Batch = xsimd::batch<T>;

// --- unary functors ----------------------------------------------------------

// -x
struct NegOp {
  template <class T> T scalar(T x) const { return -x; }
  template <class B> B simd(const B& x) const { return -x; }
};

// |x|
struct AbsOp {
  template <class T> T scalar(T x) const { return std::abs(x); }
  template <class B> B simd(const B& x) const { return xsimd::abs(x); }
};

// sign(x) in {-1, 0, +1}; sign(NaN) = NaN
struct SignOp {
  template <class T> T scalar(T x) const {
    if (x != x) return x;
    return static_cast<T>((x > 0) - (x < 0));
  }
  template <class B> B simd(const B& x) const {
    const B zero(0), one(1);
    const B s = xsimd::select(x > zero, one, zero) - xsimd::select(x < zero, one, zero);
    return xsimd::select(xsimd::isnan(x), x, s);
  }
};

// x^2 = x * x
struct SquareOp {
  template <class T> T scalar(T x) const { return x * x; }
  template <class B> B simd(const B& x) const { return x * x; }
};

// max(x, 0), written as a select so that relu(NaN) = NaN
struct ReluOp {
  template <class T> T scalar(T x) const { return x < 0 ? T(0) : x; }
  template <class B> B simd(const B& x) const { return xsimd::select(x < B(0), B(0), x); }
};

// sqrt(x): IEEE correctly rounded in both forms
struct SqrtOp {
  template <class T> T scalar(T x) const { return std::sqrt(x); }
  template <class B> B simd(const B& x) const { return xsimd::sqrt(x); }
};

// e^x. See Note [exp near the limits].
struct ExpOp {
  template <class T> T scalar(T x) const { return std::exp(x); }
  template <class B> B simd(const B& x) const {
    using T = typename B::value_type;
    const B limit(std::is_same_v<T, float> ? T(87) : T(708));
    B y = xsimd::exp(x);
    const auto edge = xsimd::abs(x) > limit;
    if (xsimd::any(edge)) {
      const B half = xsimd::exp(x * B(T(0.5)));
      y = xsimd::select(edge, half * half, y);
    }
    return y;
  }
};
// Note [exp near the limits]
// xsimd 8.1 computes e^x = 2^k * e^r with k = round(x / ln 2) and builds 2^k
// in the exponent bits, which only works for normal powers of two. So its f32
// exp returns 0 below x = -87.68 (k = -127), where e^x is still a normal or
// subnormal float, and inf from x = 88.376, though e^x < FLT_MAX up to
// 88.7228; f64 has the same gaps near -708.4 and 709.4. Beyond |x| > 87 (f32)
// or 708 (f64) we use e^x = (e^(x/2))^2: x/2 is exact and far from the
// limits, and the square costs about one ulp. A branch keeps the common case
// at one exp.

// ln(x); log(0) = -inf, log(x < 0) = NaN. Subnormal x: ln(x) = ln(x * 2^s) - s ln 2,
// because xsimd 8.1's f64 log reads the exponent bits as if x were normal.
struct LogOp {
  template <class T> T scalar(T x) const { return std::log(x); }
  template <class B> B simd(const B& x) const {
    using T = typename B::value_type;
    B y = xsimd::log(x);
    const auto subnormal = x < B(std::numeric_limits<T>::min());
    if (xsimd::any(subnormal)) {
      constexpr int s = std::numeric_limits<T>::digits + 1;  // 2^s lifts any subnormal to a normal
      const B lifted = xsimd::log(x * B(std::ldexp(T(1), s))) - B(T(s) * T(0.693147180559945309417));
      y = xsimd::select(subnormal, lifted, y);
    }
    return y;
  }
};

// tanh(x)
struct TanhOp {
  template <class T> T scalar(T x) const { return std::tanh(x); }
  template <class B> B simd(const B& x) const { return xsimd::tanh(x); }
};

// sigmoid(x) = 1 / (1 + e^-x); with e = e^-|x| in (0, 1]: 1/(1+e) for x >= 0,
// e/(1+e) for x < 0, so no exp overflows and small results keep their digits.
struct SigmoidOp {
  template <class T> T scalar(T x) const {
    const T e = std::exp(-std::abs(x));
    const T r = T(1) / (T(1) + e);
    return x >= 0 ? r : e * r;
  }
  template <class B> B simd(const B& x) const {
    const B e = ExpOp{}.simd(-xsimd::abs(x));
    const B r = B(1) / (B(1) + e);
    return xsimd::select(x >= B(0), r, e * r);
  }
};

// min(max(x, lo), hi); NaN stays NaN
template <class T>
struct ClampOp {
  T lo, hi;
  T scalar(T x) const { return x < lo ? lo : (x > hi ? hi : x); }
  template <class B> B simd(const B& x) const {
    return xsimd::select(x < B(lo), B(lo), xsimd::select(x > B(hi), B(hi), x));
  }
};

// x, unchanged (copies)
struct IdentityOp {
  template <class T> T scalar(T x) const { return x; }
  template <class B> B simd(const B& x) const { return x; }
};

// static_cast<To>(x) (dtype conversion; the element types differ, so no simd)
template <class To>
struct CastOp {
  template <class T> To scalar(T x) const { return static_cast<To>(x); }
};

// --- binary functors ---------------------------------------------------------

// a + b
struct AddOp {
  template <class T> T scalar(T a, T b) const { return a + b; }
  template <class B> B simd(const B& a, const B& b) const { return a + b; }
};

// a - b
struct SubOp {
  template <class T> T scalar(T a, T b) const { return a - b; }
  template <class B> B simd(const B& a, const B& b) const { return a - b; }
};

// a * b
struct MulOp {
  template <class T> T scalar(T a, T b) const { return a * b; }
  template <class B> B simd(const B& a, const B& b) const { return a * b; }
};

// a / b; integers truncate toward zero (the caller rejects b = 0)
struct DivOp {
  template <class T> T scalar(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      // INT64_MIN / -1 overflows; wrap around like the other integer ops do.
      if (b == -1) return static_cast<T>(0ULL - static_cast<std::uint64_t>(a));
    }
    return a / b;
  }
  template <class B> B simd(const B& a, const B& b) const { return a / b; }
};

// a^b. Scalar only: xsimd 8.1's pow is exp(b * log|a|), which loses
// accuracy as |b log a| grows and returns 0 for pow(0, 0) and pow(0, -1).
struct PowOp {
  template <class T> T scalar(T a, T b) const { return std::pow(a, b); }
};

// max(a, b), NaN if either is NaN
struct MaximumOp {
  template <class T> T scalar(T a, T b) const {
    if (a != a || b != b) return a + b;
    return a > b ? a : b;
  }
  template <class B> B simd(const B& a, const B& b) const {
    return xsimd::select(xsimd::isnan(a) || xsimd::isnan(b), a + b, xsimd::select(a > b, a, b));
  }
};

// min(a, b), NaN if either is NaN
struct MinimumOp {
  template <class T> T scalar(T a, T b) const {
    if (a != a || b != b) return a + b;
    return a < b ? a : b;
  }
  template <class B> B simd(const B& a, const B& b) const {
    return xsimd::select(xsimd::isnan(a) || xsimd::isnan(b), a + b, xsimd::select(a < b, a, b));
  }
};

// a + alpha * b (in-place accumulation: add_)
template <class T>
struct AxpyOp {
  T alpha;
  T scalar(T a, T b) const { return a + alpha * b; }
  template <class B> B simd(const B& a, const B& b) const { return a + B(alpha) * b; }
};

// Comparisons: 1 where the relation holds, 0 elsewhere, in the operands' dtype.
#define TG_DEFINE_COMPARISON(Name, rel)                                                  \
  struct Name {                                                                         \
    template <class T> T scalar(T a, T b) const { return a rel b ? T(1) : T(0); }       \
    template <class B> B simd(const B& a, const B& b) const {                           \
      return xsimd::select(a rel b, B(1), B(0));                                        \
    }                                                                                   \
  };
TG_DEFINE_COMPARISON(EqOp, ==)  // a == b
TG_DEFINE_COMPARISON(LtOp, <)   // a < b
TG_DEFINE_COMPARISON(LeOp, <=)  // a <= b
TG_DEFINE_COMPARISON(GtOp, >)   // a > b
TG_DEFINE_COMPARISON(GeOp, >=)  // a >= b
#undef TG_DEFINE_COMPARISON

// Note [xsimd !=]
// xsimd 8.1 compiles `a != b` to the ordered compare (_CMP_NEQ_OQ) on AVX and
// AVX-512 but to the unordered one (cmpneq) on SSE2, so NaN != NaN is false
// or true depending on -march. C++ says true. We never use xsimd's != on
// floats: !(a == b) for inequality, xsimd::isnan for NaN tests.

// a != b (true when either is NaN)
struct NeOp {
  template <class T> T scalar(T a, T b) const { return a != b ? T(1) : T(0); }
  template <class B> B simd(const B& a, const B& b) const {
    return xsimd::select(!(a == b), B(1), B(0));
  }
};

// --- ternary -----------------------------------------------------------------

// cond != 0 ? a : b
struct WhereOp {
  template <class C, class T> T scalar(C cond, T a, T b) const { return cond != 0 ? a : b; }
  template <class B> B simd(const B& cond, const B& a, const B& b) const {
    return xsimd::select(!(cond == B(0)), a, b);  // Note [xsimd !=]
  }
};

/// Every stateless functor with a vector body, for the sweep test. Adding a
/// kernel here makes the test cover it (and the test asks for its domain).
#define TG_SIMD_UNARY_OPS(X) \
  X(NegOp) X(AbsOp) X(SignOp) X(SquareOp) X(ReluOp) X(SqrtOp) X(ExpOp) X(LogOp) X(TanhOp) \
  X(SigmoidOp) X(IdentityOp)
#define TG_SIMD_BINARY_OPS(X)                                                              \
  X(AddOp) X(SubOp) X(MulOp) X(DivOp) X(MaximumOp) X(MinimumOp) X(EqOp) X(NeOp) X(LtOp) \
  X(LeOp) X(GtOp) X(GeOp)

// --- one row: the sources an op reads and the loop that runs it --------------

/// A source read at consecutive elements.
template <class T> struct Contiguous {
  using value_type = T;
  static constexpr bool vector_ok = true;
  const T* p;
  T at(std::int64_t i) const { return p[i]; }
  Batch<T> load(std::int64_t i) const { return Batch<T>::load_unaligned(p + i); }
};

/// One value used for every element (a scalar operand, a stride-0 axis).
template <class T> struct Broadcast {
  using value_type = T;
  static constexpr bool vector_ok = true;
  T value;
  T at(std::int64_t) const { return value; }
  Batch<T> load(std::int64_t) const { return Batch<T>(value); }
};

/// A source with any stride; always read by the scalar twin.
template <class T> struct Strided {
  using value_type = T;
  static constexpr bool vector_ok = false;
  const T* p;
  std::int64_t stride;
  T at(std::int64_t i) const { return p[i * stride]; }
};

/// True when `run` can use Op's vector body: floating T, every source of
/// element type T and contiguous or broadcast, and Op has `simd`.
template <class Op, class T, class... Src>
concept Vectorisable =
    std::is_floating_point_v<T> && ((Src::vector_ok && std::same_as<typename Src::value_type, T>) && ...) &&
    requires(const Op& op, const Src&... src) {
      { op.simd(src.load(0)...) } -> std::same_as<Batch<T>>;
    };

/// out[i * out_stride] = op(src[i]...) for i in [0, n).
template <class T, class Op, class... Src>
void run(const Op& op, T* out, std::int64_t out_stride, std::int64_t n, const Src&... src) {
  std::int64_t i = 0;
  if constexpr (Vectorisable<Op, T, Src...>) {
    if (out_stride == 1) {
      constexpr std::int64_t W = Batch<T>::size;
      for (; i + W <= n; i += W) op.simd(src.load(i)...).store_unaligned(out + i);
      for (; i < n; ++i) out[i] = op.scalar(src.at(i)...);  // the tail: n % W elements
      return;
    }
  }
  if (out_stride == 1) {
    for (; i < n; ++i) out[i] = op.scalar(src.at(i)...);  // the compiler may vectorise this
  } else {
    for (; i < n; ++i) out[i * out_stride] = op.scalar(src.at(i)...);
  }
}

/// Chooses the source kind for one operand of a row: stride 1 reads
/// consecutive elements, stride 0 repeats one value, anything else is strided.
/// Calls `then(source)`.
template <class T, class Then>
void with_source(const T* p, std::int64_t stride, Then&& then) {
  if (stride == 1) then(Contiguous<T>{p});
  else if (stride == 0) then(Broadcast<T>{*p});
  else then(Strided<T>{p, stride});
}

/// out = op(a) over one row, each pointer with its own stride.
template <class T, class U, class Op>
void unary_row(const Op& op, T* out, std::int64_t so, const U* x, std::int64_t sx,
               std::int64_t n) {
  if constexpr (Vectorisable<Op, T, Contiguous<U>>) {
    if (sx != 0 && sx != 1 && so == 1) {
      // A strided input (a transposed or sliced view): gather a block into a
      // local buffer so that the vector body still runs. exp of a transposed
      // matrix runs about 4x faster this way than with the scalar twin.
      constexpr std::int64_t kBlock = 256;
      T buf[kBlock];
      for (std::int64_t i0 = 0; i0 < n; i0 += kBlock) {
        const std::int64_t m = n - i0 < kBlock ? n - i0 : kBlock;
        for (std::int64_t j = 0; j < m; ++j) buf[j] = x[(i0 + j) * sx];
        run(op, out + i0, 1, m, Contiguous<T>{buf});
      }
      return;
    }
  }
  with_source(x, sx, [&](const auto& xs) { run(op, out, so, n, xs); });
}

/// out = op(a, b) over one row. Only the three layouts that fast paths need
/// (both contiguous, one of them broadcast) get their own loop; the rest share
/// the strided one, which keeps the number of instantiations small.
template <class T, class Op>
void binary_row(const Op& op, T* out, std::int64_t so, const T* a, std::int64_t sa, const T* b,
                std::int64_t sb, std::int64_t n) {
  if (sa == 1 && sb == 1) run(op, out, so, n, Contiguous<T>{a}, Contiguous<T>{b});
  else if (sa == 1 && sb == 0) run(op, out, so, n, Contiguous<T>{a}, Broadcast<T>{*b});
  else if (sa == 0 && sb == 1) run(op, out, so, n, Broadcast<T>{*a}, Contiguous<T>{b});
  else run(op, out, so, n, Strided<T>{a, sa}, Strided<T>{b, sb});
}

/// out = cond != 0 ? a : b over one row; vectorised when all four are
/// contiguous and cond has the values' element type.
template <class T, class C>
void where_row(T* out, std::int64_t so, const C* cond, std::int64_t sc, const T* a,
               std::int64_t sa, const T* b, std::int64_t sb, std::int64_t n) {
  if (sc == 1 && sa == 1 && sb == 1)
    run(WhereOp{}, out, so, n, Contiguous<C>{cond}, Contiguous<T>{a}, Contiguous<T>{b});
  else
    run(WhereOp{}, out, so, n, Strided<C>{cond, sc}, Strided<T>{a, sa}, Strided<T>{b, sb});
}

}  // namespace tg::simd
