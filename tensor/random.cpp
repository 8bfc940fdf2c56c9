#include "tensor/random.hpp"

#include <cmath>
#include <numbers>

#include "tensor/parallel.hpp"

namespace tg {

namespace {

// SplitMix64's output function: a bijective mix of a 64-bit counter.
std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

constexpr std::int64_t kGrain = 1 << 16;

// Fills `out` with f(stream_start, i) for every element i, in parallel.
template <class Fn>
Tensor fill_random(const Shape& shape, DType dtype, Generator& gen, std::uint64_t words_per_element,
                   const char* op, Fn&& f) {
  Tensor out = Tensor::empty(shape, dtype);
  const std::uint64_t start = gen.advance(static_cast<std::uint64_t>(out.numel()) * words_per_element);
  dispatch(dtype, op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* d = out.data<T>();
    parallel_for(out.numel(), kGrain, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i)
        d[i] = static_cast<T>(f(start + static_cast<std::uint64_t>(i) * words_per_element));
    });
  });
  return out;
}

}  // namespace

std::uint64_t Generator::word(std::uint64_t index) const {
  // Key the stream by the seed: mix the seed first so that nearby seeds give
  // unrelated streams, then step by the golden-ratio increment.
  return mix64(mix64(seed_) + (index + 1) * 0x9E3779B97F4A7C15ULL);
}

double Generator::uniform01(std::uint64_t index) const {
  return static_cast<double>(word(index) >> 11) * 0x1.0p-53;  // 53 random mantissa bits
}

Generator& default_generator() {
  static Generator gen(0);
  return gen;
}

void manual_seed(std::uint64_t seed) { default_generator() = Generator(seed); }

namespace {
// Truncating uniform or normal samples to integers would silently give
// all-zero tensors for rand(): refuse, and point to the integer sampler.
void require_floating(DType dtype, const char* op) {
  if (!is_floating(dtype))
    fail(op, ": dtype must be f32 or f64, got ", dtype_name(dtype), " (for integers use randint)");
}
}  // namespace

Tensor uniform(const Shape& shape, double low, double high, Generator& gen, DType dtype) {
  require_floating(dtype, "uniform");
  if (!(low <= high) || !std::isfinite(low) || !std::isfinite(high))
    fail("uniform: expected finite low <= high, got [", low, ", ", high, ")");
  return fill_random(shape, dtype, gen, 1, "uniform", [&](std::uint64_t k) {
    double v = low + (high - low) * gen.uniform01(k);
    // Rounding to f32 can land exactly on `high`; keep the interval half-open.
    if (dtype == DType::f32 && static_cast<float>(v) >= static_cast<float>(high) && high > low)
      v = std::nextafter(static_cast<float>(high), static_cast<float>(low));
    return v;
  });
}

Tensor rand(const Shape& shape, Generator& gen, DType dtype) {
  return uniform(shape, 0.0, 1.0, gen, dtype);
}
Tensor rand(const Shape& shape, DType dtype) { return rand(shape, default_generator(), dtype); }

Tensor normal(const Shape& shape, double mean, double std, Generator& gen, DType dtype) {
  require_floating(dtype, "normal");
  if (!(std >= 0) || !std::isfinite(mean) || !std::isfinite(std))
    fail("normal: expected finite mean and std >= 0, got mean ", mean, ", std ", std);
  return fill_random(shape, dtype, gen, 2, "normal", [&](std::uint64_t k) {
    // Box–Muller with u1 in (0, 1] so the log is finite.
    const double u1 = 1.0 - gen.uniform01(k);
    const double u2 = gen.uniform01(k + 1);
    return mean + std * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  });
}

Tensor randn(const Shape& shape, Generator& gen, DType dtype) {
  return normal(shape, 0.0, 1.0, gen, dtype);
}
Tensor randn(const Shape& shape, DType dtype) { return randn(shape, default_generator(), dtype); }

Tensor bernoulli(const Shape& shape, double p, Generator& gen, DType dtype) {
  if (!(p >= 0 && p <= 1)) fail("bernoulli: probability must be in [0, 1], got ", p);
  return fill_random(shape, dtype, gen, 1, "bernoulli",
                     [&](std::uint64_t k) { return gen.uniform01(k) < p ? 1.0 : 0.0; });
}
Tensor bernoulli(const Shape& shape, double p, DType dtype) {
  return bernoulli(shape, p, default_generator(), dtype);
}

Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Generator& gen) {
  if (high <= low) fail("randint: expected low < high, got [", low, ", ", high, ")");
  const auto range = static_cast<std::uint64_t>(high - low);
  Tensor out = Tensor::empty(shape, DType::i64);
  const std::uint64_t start = gen.advance(static_cast<std::uint64_t>(out.numel()));
  std::int64_t* d = out.data<std::int64_t>();
  for (std::int64_t i = 0; i < out.numel(); ++i)  // modulo bias < range / 2^64: negligible
    d[i] = low + static_cast<std::int64_t>(gen.word(start + static_cast<std::uint64_t>(i)) % range);
  return out;
}

Tensor randperm(std::int64_t n, Generator& gen) {
  if (n < 0) fail("randperm: n must be non-negative, got ", n);
  Tensor out = Tensor::empty({n}, DType::i64);
  std::int64_t* d = out.data<std::int64_t>();
  for (std::int64_t i = 0; i < n; ++i) d[i] = i;
  const std::uint64_t start = gen.advance(static_cast<std::uint64_t>(n));
  for (std::int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<std::int64_t>(gen.word(start + static_cast<std::uint64_t>(i)) %
                                             static_cast<std::uint64_t>(i + 1));
    std::swap(d[i], d[j]);
  }
  return out;
}

}  // namespace tg
