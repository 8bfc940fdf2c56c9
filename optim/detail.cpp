#include "optim/detail.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace tg::optim::detail {

// Note [vector sums of squares]
// A plain `total += x*x` loop waits ~4 cycles per element on the previous
// addition, and without -ffast-math the compiler may not reorder it. So the
// sums keep kSumLanes running partial sums, element j going to partial
// j % kSumLanes, and add the partials in a fixed order at the end: the
// compiler vectorises the lanes (each lane its own sum, nothing reordered),
// and the bits depend only on the data, never on the vector width, the
// alignment or the thread count. For f32 the square is taken with one fused
// multiply-add where the CPU has one: double(x)·double(x) is exact (24 + 24
// bits < 53), so fma(x, x, s) rounds once, exactly where s + x·x rounds:
// the same bits, one instruction fewer. (For f64 the product rounds, so f64
// keeps the multiply and the add.) These sums are compute-bound, not
// memory-bound: Σ x² of 235k f32 takes ~10 µs at 2.6 GHz even from L2, ~8 µs
// with the FMA; the step takes two (the gradient norm and ‖u‖).
namespace {
constexpr std::int64_t kSumLanes = 32;

// partial + x², the square in double (see the note above).
template <class T>
inline double add_square(double partial, T x) {
  const double v = double(x);
#ifdef __FMA__
  if constexpr (std::is_same_v<T, float>) return std::fma(v, v, partial);
#endif
  return partial + v * v;
}

// Σ over the partials, in order.
inline double total_of(const double (&partial)[kSumLanes]) {
  double total = 0;
  for (double p : partial) total += p;
  return total;
}

// The last n % kSumLanes elements go one per lane: partial[j] + (0 + x²) is
// partial[j] + x², bit for bit. Done apart, so that the compiler keeps the
// partials of the main loop in registers (indexed by a variable, they live on
// the stack, and every addition waits on a store and a load).
template <class T>
void add_tail(double (&partial)[kSumLanes], const T* x, std::int64_t n) {
  double tail[kSumLanes] = {};
  for (std::int64_t j = 0; j < n; ++j) tail[j] = add_square(0.0, x[j]);
  for (std::int64_t j = 0; j < kSumLanes; ++j) partial[j] += tail[j];
}

// Σ x[i]² for i in [0, n), by Note [vector sums of squares]. Out of line:
// inlined into sum_squares' dispatch lambda, GCC 12 keeps the partials on the
// stack, and the gradient norm took 18 µs instead of 12.
template <class T>
[[gnu::noinline]] double lane_sum_squares(const T* __restrict x, std::int64_t n) {
  double partial[kSumLanes] = {};
  std::int64_t i = 0;
  for (; i + kSumLanes <= n; i += kSumLanes)
    for (std::int64_t j = 0; j < kSumLanes; ++j) partial[j] = add_square(partial[j], x[i + j]);
  add_tail(partial, x + i, n - i);
  return total_of(partial);
}

// θ += c·u and Σ (c·u)² on n elements, in one loop (u is read once). c·u
// rounds as a separate u ← c·u pass would (and c = 1 changes no bits).
template <class T>
double add_and_sum_squares(T* __restrict theta, const T* __restrict u, std::int64_t n, T c) {
  double partial[kSumLanes] = {};
  std::int64_t i = 0;
  for (; i + kSumLanes <= n; i += kSumLanes)
    for (std::int64_t j = 0; j < kSumLanes; ++j) {
      const T v = u[i + j] * c;
      theta[i + j] += v;
      partial[j] = add_square(partial[j], v);
    }
  T rest[kSumLanes] = {};
  for (std::int64_t j = 0; i + j < n; ++j) {
    rest[j] = u[i + j] * c;
    theta[i + j] += rest[j];
  }
  add_tail(partial, rest, n - i);
  return total_of(partial);
}
}  // namespace

double sum_squares(const Tensor& t) {
  double total = 0;
  dispatch_floating(t.dtype(), "sum_squares", [&](auto tag) {
    using T = typename decltype(tag)::type;
    total = lane_sum_squares(t.data<T>(), t.numel());
  });
  return total;
}

void add_scaled_value(const Chunk& chunk, double lambda, const char* op) {
  dispatch_floating(chunk.dtype, op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* u = chunk.update<T>();
    const T* theta = chunk.value<T>();
    const T l = static_cast<T>(lambda);
    for (std::int64_t k = 0; k < chunk.size; ++k) u[k] = u[k] + l * theta[k];
  });
}

// Applying and measuring the update were two passes over the parameters, now
// one (Note [vector sums of squares]). The sum runs per chunk of kFusedChunk
// elements, so that the Chain's fused sweep, which applies chunk by chunk
// (Note [fused update] in optim/transform.hpp), measures the same bits.
double add_and_sum_squares(const Tensor& theta, const Chunk& chunk, double c) {
  double total = 0;
  dispatch_floating(chunk.dtype, "add_and_sum_squares", [&](auto tag) {
    using T = typename decltype(tag)::type;
    total = add_and_sum_squares(theta.data<T>() + chunk.begin, chunk.update<T>(), chunk.size, T(c));
  });
  return total;
}

double add_and_sum_squares(const Tensor& theta, const Tensor& u) {
  double total = 0;
  dispatch_floating(u.dtype(), "add_and_sum_squares", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const std::int64_t n = u.numel();
    for (std::int64_t begin = 0; begin < n; begin += kFusedChunk)
      total += add_and_sum_squares(theta.data<T>() + begin, u.data<T>() + begin,
                                   std::min(kFusedChunk, n - begin), T(1));
  });
  mark_modified(theta);
  return total;
}

void copy_scaled(const Chunk& chunk, const Tensor& g, double c, double lambda) {
  dispatch_floating(chunk.dtype, "copy_scaled", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* __restrict from = g.data<T>() + chunk.begin;
    T* __restrict u = chunk.update<T>();
    const T scale = static_cast<T>(c);
    if (!std::isnan(lambda)) {  // u ← c·g + λ·θ, each product and the sum rounded as apart
      const T* __restrict theta = chunk.value<T>();
      const T l = static_cast<T>(lambda);
      if (c == 1.0)
        for (std::int64_t k = 0; k < chunk.size; ++k) u[k] = from[k] + l * theta[k];
      else
        for (std::int64_t k = 0; k < chunk.size; ++k) u[k] = from[k] * scale + l * theta[k];
      return;
    }
    if (c == 1.0) {
      std::memcpy(u, from, static_cast<std::size_t>(chunk.size) * sizeof(T));
      return;
    }
    for (std::int64_t k = 0; k < chunk.size; ++k) u[k] = from[k] * scale;
  });
}

std::int64_t unit_size(const Tensor& t) {
  return t.dim() >= 2 ? t.numel() / t.size(0) : t.numel();
}

std::vector<double> unit_sum_squares(const Tensor& t) {
  const std::int64_t per_unit = unit_size(t);
  std::vector<double> out(per_unit == 0 ? 0 : t.numel() / per_unit, 0.0);
  dispatch_floating(t.dtype(), "unit_sum_squares", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = t.data<T>();
    for (std::size_t u = 0; u < out.size(); ++u)
      for (std::int64_t j = 0; j < per_unit; ++j) {
        const double v = x[std::int64_t(u) * per_unit + j];
        out[u] += v * v;
      }
  });
  return out;
}

bool all_finite(const Tensor& t) {
  bool finite = true;
  dispatch_floating(t.dtype(), "all_finite", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = t.data<T>();
    for (std::int64_t i = 0; i < t.numel() && finite; ++i) finite = std::isfinite(x[i]);
  });
  return finite;
}

void mark_modified(const Tensor& t) { t.storage()->bump_version(); }

void require_positive(const char* op, const char* field, double value) {
  if (!(value > 0)) fail(op, ": ", field, " must be > 0, got ", value);
}

void require_non_negative(const char* op, const char* field, double value) {
  if (!(value >= 0)) fail(op, ": ", field, " must be >= 0, got ", value);
}

void require_unit_interval(const char* op, const char* field, double value) {
  if (!(value >= 0 && value < 1)) fail(op, ": ", field, " must be in [0, 1), got ", value);
}

void require_at_least(const char* op, const char* field, std::int64_t value, std::int64_t min) {
  if (value < min) fail(op, ": ", field, " must be >= ", min, ", got ", value);
}

}  // namespace tg::optim::detail
