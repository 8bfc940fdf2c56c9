// tensor/gemm_column_kernel.hpp — the column kernel of our GEMM, for C with
// few columns and A stored transposed (internal to tensor/gemm_columns.cpp;
// not installed).
#pragma once

#include <xsimd/xsimd.hpp>

#include <cstdint>

#include "tensor/gemm_simd.hpp"

namespace tg::gemm_detail {

// Note [column kernel]
// For C with few columns (N <= 16: the output layer of an MLP, N = 10) the
// tile of gemm_kernel.hpp keeps one row of C per register, so with N = 10 six of sixteen
// f32 lanes compute padding. The column kernel turns the tile around: each
// register holds W consecutive rows of one column of C, so every lane does
// useful work whatever N is. Per step of k it loads MV vectors of a column
// of op(A) (contiguous when A is stored transposed, op(A) = A^T, the only
// case gemm.cpp sends here) and multiplies them by kCols broadcast values of
// op(B), read in place. The tile is MR = MV * W rows by kCols columns; N is
// covered by chunks of at most kMaxCols columns. Measured on this Zen 5
// machine (AVX-512, f32, one thread), A^T B: 128x10x128 72 -> 159 GFLOP/s,
// 128x10x256 76 -> 194 (the skinny path before). A single chunk of 10
// columns with MV = 2 measured 100 and 115: two loads per ten broadcasts.
template <class T>
struct ColumnTile {
  using Batch = xsimd::batch<T>;
  static constexpr std::int64_t W = static_cast<std::int64_t>(Batch::size);
  static constexpr bool kWideRegisterFile = sizeof(Batch) >= 64;  // AVX-512: 32 registers
  static constexpr std::int64_t MV = kWideRegisterFile ? 4 : 2;   // vectors down a column
  static constexpr std::int64_t MR = MV * W;                      // rows of C per tile
  // kCols * MV accumulators + MV loads of A + 1 broadcast of B fit the register file.
  static constexpr std::int64_t kMaxCols = kWideRegisterFile ? 6 : 4;
};

/// C[0:m, 0:kCols] = alpha * sum_{k < K} a(:, k) b(k, :) + beta * C with
/// a(i, k) at a[k * lda + i] (m <= MR rows readable for every k, padding
/// included) and b(k, j) at b[k * b_k_stride + j * b_j_stride].
template <class T, std::int64_t kCols>
inline void column_kernel(std::int64_t K, const T* a, std::int64_t lda, const T* b,
                          std::int64_t b_k_stride, std::int64_t b_j_stride, std::int64_t m,
                          T alpha, T beta, T* c, std::int64_t ldc) {
  using Batch = xsimd::batch<T>;
  constexpr std::int64_t MV = ColumnTile<T>::MV, MR = ColumnTile<T>::MR, W = ColumnTile<T>::W;
  Batch acc[kCols][MV];
  for (auto& col : acc)
    for (auto& v : col) v = Batch(T(0));
#pragma GCC unroll 1
  for (std::int64_t k = 0; k < K; ++k) {
    Batch a_col[MV];
#pragma GCC unroll 8
    for (std::int64_t v = 0; v < MV; ++v) a_col[v] = Batch::load_unaligned(a + k * lda + v * W);
#pragma GCC unroll 8
    for (std::int64_t j = 0; j < kCols; ++j) {
      const Batch b_kj(b[k * b_k_stride + j * b_j_stride]);  // broadcast
#pragma GCC unroll 8
      for (std::int64_t v = 0; v < MV; ++v) acc[j][v] = fmadd(a_col[v], b_kj, acc[j][v]);
    }
  }
  // Each register is a piece of a column of C; spill and write row by row.
  alignas(64) T spill[kCols * MR];
  for (std::int64_t j = 0; j < kCols; ++j)
    for (std::int64_t v = 0; v < MV; ++v) acc[j][v].store_aligned(spill + j * MR + v * W);
  for (std::int64_t i = 0; i < m; ++i) {
    T* ci = c + i * ldc;
    if (beta == T(0))
      for (std::int64_t j = 0; j < kCols; ++j) ci[j] = alpha * spill[j * MR + i];
    else
      for (std::int64_t j = 0; j < kCols; ++j) ci[j] = alpha * spill[j * MR + i] + beta * ci[j];
  }
}

}  // namespace tg::gemm_detail
