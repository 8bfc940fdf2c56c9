// tensor/gemm_dot_kernel.hpp — the dot kernel of our GEMM, for C with few
// columns and A stored row by row (internal to tensor/gemm_dot.cpp; not
// installed).
#pragma once

#include <xsimd/xsimd.hpp>

#include <cstdint>
#include <type_traits>
#include <utility>

#include "tensor/gemm_simd.hpp"

namespace tg::gemm_detail {

// Note [dot kernel]
// The other small-N case, op(A) = A stored row by row (A B and A B^T with
// N <= 16, the forward pass of a 10-output layer), has rows of A contiguous
// in k but columns scattered, so neither the column kernel (which wants
// columns of op(A) contiguous) nor the broadcast tile (one register per row
// of C: 10 of 16 lanes useful) fits. Here the vector lanes run along k
// instead: C[i, j] is the dot product of row i of A with column j of op(B),
// and for op(B) = B^T that column is row j of B, also contiguous. A tile is
// kRows = 2 rows of C by kCols <= kMaxCols columns: each step of k loads one
// vector from each of the two rows of A and kCols vectors of B^T, and issues
// 2 kCols FMAs into as many accumulators, every lane useful whatever N is.
// At the end each accumulator holds W partial sums of one C element, and
// lane_sums (Note [lane sums]) folds a row's kCols accumulators into one
// vector of finished sums, so a row of C is one masked store. For A B the
// small K x N matrix B is transposed once into a zero-padded N x Kp buffer
// (Kp = K rounded up to W, gemm_dot.cpp); A is never packed.
// Why two rows: with one, a step of 10 columns is 11 loads for 10 FMAs, and
// the core does two 512-bit loads but also only two FMAs a cycle, so the
// loads set the pace; with two rows each vector of B^T serves two FMAs (12
// loads, 20 FMAs) and the FMAs do. That holds only if each vector really is
// loaded once (Note [one load per vector]). The widest tile, kMaxCols = 14
// with AVX-512, takes 2 x 14 accumulators, two vectors of A and one of B^T:
// 31 of the 32 registers. Wider C is cut into chunks of nearly equal width,
// each rereading the rows of A; that measured faster than one-row tiles of
// up to 16 columns: 128x16x128 A B 136 -> 168, 8x200x128 A B^T (few rows,
// many columns) 66 -> 90. Measured on this Zen 5
// machine (AVX-512, f32, one thread, GFLOP/s, all in one process; OpenBLAS
// does 103-106 on these shapes):
//   tile                       128x10x128 A B / A B^T   128x10x256 A B   128x10x784 A B
//   1 x 10 (before)            113 / 117                145              177
//   2 x 10, B loaded per FMA   135 / 141                164              178
//   2 x 10, one load           162 / 170                197              221
// (1 x 10 with one load and today's lane_sums measured the same as before.)
// The previous version of this note measured 2 x 10, 3 x 5 and 4 x 4 tiles
// slower than one row; that was with B loaded once per FMA.
template <class T>
struct DotTile {
  using Batch = xsimd::batch<T>;
  static constexpr std::int64_t W = static_cast<std::int64_t>(Batch::size);
  static constexpr std::int64_t kRegisters = sizeof(Batch) >= 64 ? 32 : 16;
  // Rows of C per tile (Note [dot kernel]).
  static constexpr std::int64_t kRows = 2;
  // The widest chunk of columns whose kRows * kMaxCols accumulators, kRows
  // vectors of A and one of B fit the register file: 14 with AVX-512, 6
  // with 16 registers; wider C is cut into chunks of nearly equal width.
  static constexpr std::int64_t kMaxCols = (kRegisters - kRows - 1) / kRows;
  static constexpr bool fits(std::int64_t rows, std::int64_t cols) {
    return rows * cols + rows + 1 <= kRegisters;
  }
};

// Note [lane sums]
// lane_sums<T, n>(v) returns a vector whose lane l, for l < n, is the sum
// of the W lanes of v[l] (the other lanes hold leftovers): n horizontal sums
// at once. It folds in log2(W) levels, halving the number of vectors each
// time. At the level of blocks of s lanes, vectors a = v[i] and b = v[i + s]
// become one: lane L takes a[L] + a[L + s] where bit s of L is clear and
// b[L] + b[L - s] where it is set. That is one blend (`own`: a's lanes, then
// b's, in place) plus one two-input shuffle (`partner`: the lanes s away)
// and one add; a vector without a partner (i + s >= n) folds onto itself
// (one shuffle, one add). After the levels s = W/2, ..., 1 the bits of L
// have picked, level by level, which input lane L holds: input L. So the
// sums come out in order and one row of C is one (masked) store. The order
// of the additions is fixed by W alone, so results do not depend on the
// thread count or on the tile a row belongs to. The tree is written once,
// with GCC's vector extensions, for every vector width; it replaced a
// hand-written AVX-512 tree of two shuffles per fold (and xsimd::haddp
// elsewhere), which measured the same speed (Note [dot kernel]).
template <class T, int W>
struct LaneVector {
  typedef T type __attribute__((vector_size(sizeof(T) * W)));  // W lanes of T
};

template <class Vec, int W, int s, int... L>
inline Vec fold_two(Vec a, Vec b, std::integer_sequence<int, L...>) {
  const Vec own = __builtin_shufflevector(a, b, ((L & s) != 0 ? W + L : L)...);
  const Vec partner = __builtin_shufflevector(a, b, ((L & s) != 0 ? W + L - s : L + s)...);
  return own + partner;
}

template <class Vec, int W, int s, int... L>
inline Vec fold_one(Vec a, std::integer_sequence<int, L...>) {
  return a + __builtin_shufflevector(a, a, (L ^ s)...);
}

template <class Vec, int W, int s, int n>  // v[0], ..., v[min(n, 2s) - 1] are live
inline void fold_level(Vec* v) {
  if constexpr (s >= 1) {
    constexpr auto lanes = std::make_integer_sequence<int, W>{};
#pragma GCC unroll 16
    for (int i = 0; i < s && i < n; ++i)
      v[i] = i + s < n ? fold_two<Vec, W, s>(v[i], v[i + s], lanes)
                       : fold_one<Vec, W, s>(v[i], lanes);
    fold_level<Vec, W, s / 2, (n < s ? n : s)>(v);
  }
}

template <class T, int n>
inline xsimd::batch<T> lane_sums(const xsimd::batch<T>* v) {  // reads v[0], ..., v[n - 1]
  using Batch = xsimd::batch<T>;
  using Register = typename Batch::register_type;
  constexpr int W = static_cast<int>(Batch::size);
  static_assert(1 <= n && n <= W, "lane_sums folds 1 to W vectors");
  using Vec = typename LaneVector<T, W>::type;
  Vec folded[W];
#pragma GCC unroll 16
  for (int i = 0; i < n; ++i) folded[i] = (Vec) static_cast<Register>(v[i]);
  fold_level<Vec, W, W / 2, n>(folded);
  return Batch((Register)folded[0]);
}

// Note [one load per vector]
// GCC folds a load into the FMA that uses it (vfmadd231ps (mem), ...), also
// when several FMAs use the same vector: it then loads that vector once per
// FMA, each vector of B^T twice in a 2 x 10 tile, each vector of A four
// times in a 2 x 4 tile, and the loads set the pace again. An empty asm
// statement that "changes" the register hides where the value came from,
// so it is loaded once and kept in a register. Measured (f32, one thread,
// GFLOP/s, folded -> one load): 128x10x128 A B 135 -> 162, 128x4x256 A B
// 81 -> 138.
template <class T>
inline xsimd::batch<T> in_register(xsimd::batch<T> v) {
#if defined(__x86_64__) || defined(__i386__)
  auto r = static_cast<typename xsimd::batch<T>::register_type>(v);
  asm("" : "+v"(r));  // "v": any vector register (all 32 with AVX-512)
  return xsimd::batch<T>(r);
#else
  return v;
#endif
}

// The first `count` lanes of c, and c with its first `count` lanes replaced
// by those of v: masked loads and stores with AVX-512, a copy otherwise.
// Nothing past c[count - 1] is read or written.
template <class T>
inline xsimd::batch<T> load_first(const T* c, std::int64_t count) {
  using Batch = xsimd::batch<T>;
  if (count == static_cast<std::int64_t>(Batch::size)) return Batch::load_unaligned(c);
#if defined(__AVX512F__)
  if constexpr (sizeof(Batch) == 64) {
    if constexpr (std::is_same_v<T, float>)
      return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << count) - 1), c);
    else
      return _mm512_maskz_loadu_pd(static_cast<__mmask8>((1u << count) - 1), c);
  }
#endif
  alignas(64) T lanes[Batch::size] = {};
  for (std::int64_t l = 0; l < count; ++l) lanes[l] = c[l];
  return Batch::load_aligned(lanes);
}

template <class T>
inline void store_first(const xsimd::batch<T>& v, std::int64_t count, T* c) {
  using Batch = xsimd::batch<T>;
  if (count == static_cast<std::int64_t>(Batch::size)) return v.store_unaligned(c);
#if defined(__AVX512F__)
  if constexpr (sizeof(Batch) == 64) {
    if constexpr (std::is_same_v<T, float>)
      return _mm512_mask_storeu_ps(c, static_cast<__mmask16>((1u << count) - 1), v);
    else
      return _mm512_mask_storeu_pd(c, static_cast<__mmask8>((1u << count) - 1), v);
  }
#endif
  alignas(64) T lanes[Batch::size];
  v.store_aligned(lanes);
  for (std::int64_t l = 0; l < count; ++l) c[l] = lanes[l];
}

// c[0:kCols] = alpha * (sums of the lanes of acc[0:kCols]) + beta * c[0:kCols].
template <class T, std::int64_t kCols>
inline void store_row(const xsimd::batch<T>* acc, T alpha, T beta, T* c) {
  using Batch = xsimd::batch<T>;
  constexpr std::int64_t W = DotTile<T>::W;
  constexpr std::int64_t groups = (kCols + W - 1) / W;
#pragma GCC unroll 2
  for (std::int64_t g = 0; g < groups; ++g) {
    constexpr auto last = static_cast<int>(kCols - (groups - 1) * W);  // width of the last group
    const Batch sums = g + 1 < groups ? lane_sums<T, static_cast<int>(W)>(acc + g * W)
                                      : lane_sums<T, last>(acc + g * W);
    const std::int64_t count = g + 1 < groups ? W : last;
    Batch out = Batch(alpha) * sums;
    if (beta != T(0)) out = out + Batch(beta) * load_first(c + g * W, count);
    store_first(out, count, c + g * W);
  }
}

/// C[0:kRows, 0:kCols] = alpha * A B^T + beta * C for kRows rows of A (row
/// r at a + r * lda, K values) and a kCols x K block of B (row j at b + j *
/// ldb): C[r, j] = alpha * dot(A[r, :], B[j, :]) + beta * C[r, j]. The sum
/// runs in W-wide steps of k. The last, partial step (K not a multiple of W)
/// reads the end of each row of A with load_first (zeros past K), and the ends of the
/// rows of B from `b_tail` (row j at b_tail + j * ld_tail, W values, zero
/// past K), which the caller prepares once for all rows of A; so nothing past
/// column K of A or B is read. Every C element gets the same operations in
/// the same order whatever kRows is.
template <class T, std::int64_t kRows, std::int64_t kCols>
inline void dot_kernel(std::int64_t K, const T* a, std::int64_t lda, const T* b,
                       std::int64_t ldb, const T* b_tail, std::int64_t ld_tail, T alpha, T beta,
                       T* c, std::int64_t ldc) {
  using Batch = xsimd::batch<T>;
  constexpr std::int64_t W = DotTile<T>::W;
  static_assert(DotTile<T>::fits(kRows, kCols), "the tile's registers fit the register file");
  Batch acc[kRows][kCols];  // acc[r][j]: W partial sums of C[r, j]
#pragma GCC unroll 4
  for (std::int64_t r = 0; r < kRows; ++r)
#pragma GCC unroll 16
    for (std::int64_t j = 0; j < kCols; ++j) acc[r][j] = Batch(T(0));
  const std::int64_t k_full = K / W * W;
#pragma GCC unroll 1
  for (std::int64_t k = 0; k < k_full; k += W) {
    Batch a_k[kRows];
#pragma GCC unroll 4
    for (std::int64_t r = 0; r < kRows; ++r)
      a_k[r] = in_register(Batch::load_unaligned(a + r * lda + k));
#pragma GCC unroll 16
    for (std::int64_t j = 0; j < kCols; ++j) {
      const Batch b_jk = in_register(Batch::load_unaligned(b + j * ldb + k));
#pragma GCC unroll 4
      for (std::int64_t r = 0; r < kRows; ++r) acc[r][j] = fmadd(a_k[r], b_jk, acc[r][j]);
    }
  }
  if (k_full < K) {
    Batch a_k[kRows];
#pragma GCC unroll 4
    for (std::int64_t r = 0; r < kRows; ++r) a_k[r] = load_first(a + r * lda + k_full, K - k_full);
#pragma GCC unroll 16
    for (std::int64_t j = 0; j < kCols; ++j) {
      const Batch b_jk = Batch::load_unaligned(b_tail + j * ld_tail);
#pragma GCC unroll 4
      for (std::int64_t r = 0; r < kRows; ++r) acc[r][j] = fmadd(a_k[r], b_jk, acc[r][j]);
    }
  }
#pragma GCC unroll 4
  for (std::int64_t r = 0; r < kRows; ++r) store_row<T, kCols>(acc[r], alpha, beta, c + r * ldc);
}

}  // namespace tg::gemm_detail
