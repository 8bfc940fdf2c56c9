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

/// A counter-based random stream: word i is SplitMix64-mixed from (seed, i),
/// so it needs no state but the seed and the stream position. Every draw
/// reserves numel words (two per element for normal/randn) with advance().
/// Not thread-safe: share one generator between threads only with a lock.
class Generator {
 public:
  /// A stream at position 0 for `seed`.
  explicit Generator(std::uint64_t seed = 0) : seed_(seed) {}
  /// The seed this stream was made with.
  std::uint64_t seed() const { return seed_; }
  /// How many random words have been drawn so far (the stream position).
  std::uint64_t position() const { return position_; }
  /// Moves the stream to position `p` (with seed() and position(), a checkpoint
  /// can restore the exact stream).
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

// Every draw below returns a new contiguous tensor of `shape` and `dtype`,
// and throws tg::Error on a negative extent. rand/uniform/randn/normal need a
// floating dtype (f32, f64) and throw tg::Error for i64 (use randint);
// bernoulli gives 0/1 in any dtype.

/// Uniform in [0, 1).
Tensor rand(const Shape& shape, Generator& gen, DType dtype = DType::f32);
/// Uniform in [0, 1), from the default generator.
Tensor rand(const Shape& shape, DType dtype = DType::f32);
/// Uniform in [low, high) (an f32 value that would round to `high` is moved
/// just below it). @throws tg::Error unless low and high are finite and low <= high.
Tensor uniform(const Shape& shape, double low, double high, Generator& gen,
               DType dtype = DType::f32);
/// Standard normal N(0, 1) (Box–Muller; two stream words per element).
Tensor randn(const Shape& shape, Generator& gen, DType dtype = DType::f32);
/// Standard normal N(0, 1), from the default generator.
Tensor randn(const Shape& shape, DType dtype = DType::f32);
/// N(mean, std^2) (Box–Muller). @throws tg::Error unless mean and std are
/// finite and std >= 0.
Tensor normal(const Shape& shape, double mean, double std, Generator& gen,
              DType dtype = DType::f32);
/// 1 with probability p, else 0. @throws tg::Error unless p is in [0, 1].
Tensor bernoulli(const Shape& shape, double p, Generator& gen, DType dtype = DType::f32);
/// bernoulli() from the default generator.
Tensor bernoulli(const Shape& shape, double p, DType dtype = DType::f32);
/// Integers uniform in [low, high), i64 (word mod range; the bias is below
/// range / 2^64). @throws tg::Error unless low < high.
Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Generator& gen);
/// A random permutation of 0..n-1 (i64, shape [n]), Fisher–Yates.
/// @throws tg::Error if n < 0.
Tensor randperm(std::int64_t n, Generator& gen);

}  // namespace tg
