// tensor/random.hpp — seeded random tensors that are the same on every run
// and for every thread count.
//
// The generator is counter-based: element i of a draw is a pure function of
// (seed, position of the draw in the stream, i), computed with the SplitMix64
// mixer (Steele, Lea & Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014). So a draw can be filled by any number of threads
// in any order and still give the same numbers.
//
//   tg::Generator gen(42);
//   tg::Tensor w = tg::randn({256, 784}, gen);      // N(0, 1), f32
//   tg::Tensor m = tg::bernoulli({10}, 0.5, gen);   // 0/1 mask
//   tg::manual_seed(7); tg::rand({3});              // the default generator
#pragma once

#include <cstdint>

#include "tensor/tensor.hpp"

namespace tg {

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) : seed_(seed) {}
  std::uint64_t seed() const { return seed_; }
  /// How many random words have been drawn so far (the stream position).
  std::uint64_t position() const { return position_; }
  void set_position(std::uint64_t p) { position_ = p; }
  /// Reserves `count` words of the stream and returns where they start.
  std::uint64_t advance(std::uint64_t count) {
    const std::uint64_t start = position_;
    position_ += count;
    return start;
  }
  /// The 64-bit random word at stream position `index` (pure function).
  std::uint64_t word(std::uint64_t index) const;
  /// Uniform double in [0, 1) from the word at `index`.
  double uniform01(std::uint64_t index) const;

 private:
  std::uint64_t seed_;
  std::uint64_t position_ = 0;
};

/// The process-wide generator used by overloads without a Generator argument.
/// Not thread-safe: seed it once, from one thread.
Generator& default_generator();
/// Reseeds the default generator and rewinds it.
void manual_seed(std::uint64_t seed);

/// Uniform in [0, 1).
Tensor rand(const Shape& shape, Generator& gen, DType dtype = DType::f32);
Tensor rand(const Shape& shape, DType dtype = DType::f32);
/// Uniform in [low, high).
Tensor uniform(const Shape& shape, double low, double high, Generator& gen,
               DType dtype = DType::f32);
/// Standard normal N(0, 1) (Box–Muller).
Tensor randn(const Shape& shape, Generator& gen, DType dtype = DType::f32);
Tensor randn(const Shape& shape, DType dtype = DType::f32);
/// N(mean, std^2); std must be >= 0.
Tensor normal(const Shape& shape, double mean, double std, Generator& gen,
              DType dtype = DType::f32);
/// 1 with probability p, else 0; p in [0, 1].
Tensor bernoulli(const Shape& shape, double p, Generator& gen, DType dtype = DType::f32);
Tensor bernoulli(const Shape& shape, double p, DType dtype = DType::f32);
/// Integers uniform in [low, high), i64.
Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Generator& gen);
/// A random permutation of 0..n-1 (i64), Fisher–Yates.
Tensor randperm(std::int64_t n, Generator& gen);

}  // namespace tg
