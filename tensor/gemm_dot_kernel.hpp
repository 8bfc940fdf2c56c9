// tensor/gemm_dot_kernel.hpp — the dot kernel of our GEMM, for C with few
// columns and A stored row by row (internal to tensor/gemm_dot.cpp; not
// installed).
#pragma once

#include <xsimd/xsimd.hpp>

#include <cstdint>

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
// one row of C by kCols <= kMaxCols columns: each step of k loads one vector
// of A and kCols vectors of B^T and issues kCols FMAs into as many
// accumulators, every lane useful whatever N is. At the end each
// accumulator holds W partial sums of one C element, and lane_sums (Note
// [lane sums]) folds W accumulators into one vector of W finished sums, so
// one row of C comes out as one vector. For A B the small K x N matrix B is
// transposed once into a zero-padded N x Kp buffer (Kp = K rounded up to W,
// gemm_dot.cpp); A is never packed.
// Measured on this Zen 5 machine (AVX-512, f32, one thread, GFLOP/s), this
// tile against taller ones (kRows rows of C share each load of B):
//   rows x cols   128x10x128 A B / A B^T   128x10x256   128x10x784
//   1 x 16        114 / 125                146 / 161    178 / 206
//   2 x 10        108 / 116                145 / 161    176 / 201
//   3 x 5         111 / 115                139 / 155    164 / 188
//   4 x 4         104 / 112                131 / 141    145 / 165
// One row wins: its W accumulators fold in one lane_sums and are stored as
// one vector, and each row of A is read once, not once per column chunk.
template <class T>
struct DotTile {
  using Batch = xsimd::batch<T>;
  static constexpr std::int64_t W = static_cast<std::int64_t>(Batch::size);
  static constexpr bool kWideRegisterFile = sizeof(Batch) >= 64;  // AVX-512: 32 registers
  // kMaxCols accumulators + 1 load of A + 1 load of B fit the register file.
  static constexpr std::int64_t kMaxCols = kWideRegisterFile ? 16 : 8;
};

// Note [lane sums]
// lane_sums(v) returns the vector whose lane l is the sum of the W lanes of
// v[l]: W horizontal sums at once, for W - 1 steps of two shuffles and one
// add instead of log2(W) shuffle-add pairs per sum. Each step merges two
// vectors so that the result carries half-folded sums of both; after
// log2(W) levels one vector of finished sums is left. With SSE and AVX,
// xsimd::haddp does exactly this. xsimd 8.1's AVX-512 haddp returns its
// lanes permuted (lanes 2-3 and 4-5 of each 8 swapped) and its zip_lo/zip_hi
// interleave within 128-bit blocks only, so for AVX-512 we write the four
// levels ourselves: fold 128-bit blocks across two vectors twice, then
// lanes within blocks twice. Those levels leave the sum of input s in lane
// (s % 4) * 4 + s / 4 (a 4 x 4 transpose; worked out by hand and checked by
// tests/tensor/test_gemm.cpp), so the inputs are fed in transposed order and
// the sums come out in order.
template <class T>
inline xsimd::batch<T> lane_sums(const xsimd::batch<T>* v) {  // reads v[0], ..., v[W - 1]
  return xsimd::haddp(v);
}

#if defined(__AVX512F__)
// The shuffles are written with __builtin_shufflevector (GCC >= 12, Clang):
// each index list names the lanes of the result, 0-15 from the first vector
// and 16-31 from the second, and the compiler picks the instruction
// (vshuff32x4, vunpcklps, vshufps).
template <>
inline xsimd::batch<float> lane_sums<float>(const xsimd::batch<float>* v) {
  static_assert(sizeof(xsimd::batch<float>) == 64, "AVX-512 is the default xsimd architecture");
  __m512 in[16], half[8], quarter[4], eighth[2];
#pragma GCC unroll 16
  for (int s = 0; s < 16; ++s) in[s] = v[(s % 4) * 4 + s / 4];
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i)  // blocks 0,1 + blocks 2,3 of each input
    half[i] = __builtin_shufflevector(in[2 * i], in[2 * i + 1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17,
                                      18, 19, 20, 21, 22, 23) +
              __builtin_shufflevector(in[2 * i], in[2 * i + 1], 8, 9, 10, 11, 12, 13, 14, 15, 24,
                                      25, 26, 27, 28, 29, 30, 31);
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i)  // block 0 + block 1 of each input: one block per input
    quarter[i] = __builtin_shufflevector(half[2 * i], half[2 * i + 1], 0, 1, 2, 3, 8, 9, 10, 11,
                                         16, 17, 18, 19, 24, 25, 26, 27) +
                 __builtin_shufflevector(half[2 * i], half[2 * i + 1], 4, 5, 6, 7, 12, 13, 14,
                                         15, 20, 21, 22, 23, 28, 29, 30, 31);
#pragma GCC unroll 2
  for (int i = 0; i < 2; ++i)  // lanes 0,1 + lanes 2,3 of each block, interleaved
    eighth[i] = __builtin_shufflevector(quarter[2 * i], quarter[2 * i + 1], 0, 16, 1, 17, 4, 20,
                                        5, 21, 8, 24, 9, 25, 12, 28, 13, 29) +
                __builtin_shufflevector(quarter[2 * i], quarter[2 * i + 1], 2, 18, 3, 19, 6, 22,
                                        7, 23, 10, 26, 11, 27, 14, 30, 15, 31);
  return __builtin_shufflevector(eighth[0], eighth[1], 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25,
                                 12, 13, 28, 29) +
         __builtin_shufflevector(eighth[0], eighth[1], 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27,
                                 14, 15, 30, 31);
}

// The same for 8 doubles: three levels, the sum of input s in lane (s % 4) * 2 + s / 4.
template <>
inline xsimd::batch<double> lane_sums<double>(const xsimd::batch<double>* v) {
  static_assert(sizeof(xsimd::batch<double>) == 64, "AVX-512 is the default xsimd architecture");
  __m512d in[8], half[4], quarter[2];
#pragma GCC unroll 8
  for (int s = 0; s < 8; ++s) in[s] = v[(s % 4) * 2 + s / 4];
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i)  // blocks 0,1 + blocks 2,3 (a block is 2 doubles)
    half[i] = __builtin_shufflevector(in[2 * i], in[2 * i + 1], 0, 1, 2, 3, 8, 9, 10, 11) +
              __builtin_shufflevector(in[2 * i], in[2 * i + 1], 4, 5, 6, 7, 12, 13, 14, 15);
#pragma GCC unroll 2
  for (int i = 0; i < 2; ++i)  // block 0 + block 1
    quarter[i] = __builtin_shufflevector(half[2 * i], half[2 * i + 1], 0, 1, 4, 5, 8, 9, 12, 13) +
                 __builtin_shufflevector(half[2 * i], half[2 * i + 1], 2, 3, 6, 7, 10, 11, 14, 15);
  return __builtin_shufflevector(quarter[0], quarter[1], 0, 8, 2, 10, 4, 12, 6, 14) +
         __builtin_shufflevector(quarter[0], quarter[1], 1, 9, 3, 11, 5, 13, 7, 15);
}
#endif

/// C[0, 0:kCols] = alpha * a B^T + beta * C for one row a of A (K values)
/// and a kCols x K block of B (row j at b + j * ldb): C[0, j] = alpha *
/// dot(a, B[j, :]) + beta * C[0, j]. The sum runs in W-wide steps of k. The
/// last, partial step (K not a multiple of W) reads a zero-padded copy of
/// the end of a, and the ends of the rows of B from `b_tail` (row j at
/// b_tail + j * ld_tail, W values, zero past K), which the caller prepares
/// once for all rows of A; so nothing past column K of A or B is read.
template <class T, std::int64_t kCols>
inline void dot_kernel(std::int64_t K, const T* a, const T* b, std::int64_t ldb,
                       const T* b_tail, std::int64_t ld_tail, T alpha, T beta, T* c) {
  using Batch = xsimd::batch<T>;
  constexpr std::int64_t W = DotTile<T>::W;
  Batch acc[kCols];  // acc[j]: W partial sums of C[0, j]
#pragma GCC unroll 16
  for (std::int64_t j = 0; j < kCols; ++j) acc[j] = Batch(T(0));
  const std::int64_t k_full = K / W * W;
#pragma GCC unroll 1
  for (std::int64_t k = 0; k < k_full; k += W) {
    const Batch a_k = Batch::load_unaligned(a + k);
#pragma GCC unroll 16
    for (std::int64_t j = 0; j < kCols; ++j)
      acc[j] = fmadd(a_k, Batch::load_unaligned(b + j * ldb + k), acc[j]);
  }
  if (k_full < K) {
    alignas(64) T a_tail[W] = {};
    for (std::int64_t k = k_full; k < K; ++k) a_tail[k - k_full] = a[k];
    const Batch a_k = Batch::load_aligned(a_tail);
#pragma GCC unroll 16
    for (std::int64_t j = 0; j < kCols; ++j)
      acc[j] = fmadd(a_k, Batch::load_unaligned(b_tail + j * ld_tail), acc[j]);
  }
  // Fold W accumulators at a time; the missing ones of the last group are zero.
  constexpr std::int64_t groups = (kCols + W - 1) / W;
  alignas(64) T sums[groups * W];
#pragma GCC unroll 2
  for (std::int64_t g = 0; g < groups; ++g) {
    Batch group[W];
#pragma GCC unroll 16
    for (std::int64_t l = 0; l < W; ++l)
      group[l] = g * W + l < kCols ? acc[g * W + l] : Batch(T(0));
    lane_sums<T>(group).store_aligned(sums + g * W);
  }
  for (std::int64_t j = 0; j < kCols; ++j)
    c[j] = beta == T(0) ? alpha * sums[j] : alpha * sums[j] + beta * c[j];
}

}  // namespace tg::gemm_detail
