// tensor/gemm_kernel.hpp — the register-tile micro-kernel of our GEMM
// (internal to tensor/gemm.cpp; not installed).
//
// The micro-kernel computes one MR x NR tile of C:
//
//   C[0:MR, 0:NR] = alpha * sum_k a(:, k) b(k, :) + beta * C[0:MR, 0:NR]
//
// keeping the MR x NR accumulators in vector registers for the whole k loop.
// Each step of k loads one row of the packed B panel (NR values = NB vectors),
// broadcasts MR values of A one at a time and issues MR * NB fused
// multiply-adds. That is MR * NB FMAs per MR + NB loads, which is what lets a
// core run close to its FMA peak (Goto & van de Geijn, "Anatomy of
// High-Performance Matrix Multiplication", ACM TOMS 2008; Van Zee & van de
// Geijn, "BLIS", ACM TOMS 2015).
#pragma once

#include <xsimd/xsimd.hpp>

#include <cstdint>

namespace tg::gemm_detail {

/// The tile shape for element type T, derived from the SIMD width W of the
/// default xsimd architecture (16 floats with AVX-512, 8 with AVX2, 4 with SSE2).
///
/// NR is NB vectors wide: two for the blocked algorithm, one for the skinny
/// path when N fits in one vector. The tile needs MR * NB accumulators, plus
/// NB registers for the row of B and 1 for the broadcast of A. AVX-512 has 32
/// vector registers (NB = 2, MR = 12 uses 27); SSE2 and AVX2 have 16
/// (NB = 2, MR = 6 uses 15). With NB = 1 we keep MR = 12: taller tiles read
/// A in place through more row pointers than there are general registers,
/// and measured slower (Note [skinny gemm] in gemm.cpp).
/// Measured on this Zen 5 machine (AVX-512, f32): 12 x 32 runs at ~220
/// GFLOP/s on one core.
template <class T, std::int64_t kVectors = 2>
struct Tile {
  using Batch = xsimd::batch<T>;
  static constexpr std::int64_t W = static_cast<std::int64_t>(Batch::size);
  static constexpr std::int64_t NB = kVectors;  // vectors per row of the tile
  static constexpr std::int64_t NR = NB * W;
  static constexpr bool kWideRegisterFile = sizeof(Batch) >= 64;  // AVX-512: 32 registers
  static constexpr std::int64_t MR = NB == 1 ? 12 : (kWideRegisterFile ? 12 : 6);
};

/// Where the micro-kernel reads A from. `Packed`: an MR-row panel written by
/// the packing routine, a(i, k) at a[k * MR + i]. `Strided`: A in place, at
/// a[i * row_stride + k * col_stride] (used when packing would not pay off).
enum class ALayout { Packed, Strided };

/// Accumulates the MR x NR tile  acc = sum_{k < kc} a(:, k) b(k, :)  with
/// `b` a packed NR-wide panel (b(k, j) at b[k * NR + j], 64-byte aligned).
template <class T, ALayout layout, std::int64_t NB>
inline void accumulate_tile(std::int64_t kc, const T* a, std::int64_t a_row_stride,
                            std::int64_t a_col_stride, const T* b,
                            xsimd::batch<T> (&acc)[Tile<T, NB>::MR][NB]) {
  using Batch = xsimd::batch<T>;
  constexpr std::int64_t MR = Tile<T, NB>::MR, NR = Tile<T, NB>::NR, W = Tile<T, NB>::W;
  if constexpr (layout == ALayout::Packed) {
    a_row_stride = 1;
    a_col_stride = MR;
  }
#pragma GCC unroll 1
  for (std::int64_t k = 0; k < kc; ++k) {
    Batch b_row[NB];
#pragma GCC unroll 4
    for (std::int64_t j = 0; j < NB; ++j) b_row[j] = Batch::load_aligned(b + k * NR + j * W);
#pragma GCC unroll 16
    for (std::int64_t i = 0; i < MR; ++i) {
      const Batch a_ik(a[i * a_row_stride + k * a_col_stride]);  // broadcast
#pragma GCC unroll 4
      for (std::int64_t j = 0; j < NB; ++j) acc[i][j] = xsimd::fma(a_ik, b_row[j], acc[i][j]);
    }
  }
}

/// Writes the accumulated tile back: C = alpha * acc + beta * C for the
/// top-left m x n corner (m <= MR, n <= NR; the rest of the tile is padding).
/// With beta == 0, C is only written, never read.
template <class T, std::int64_t NB>
inline void store_tile(const xsimd::batch<T> (&acc)[Tile<T, NB>::MR][NB], std::int64_t m,
                       std::int64_t n, T alpha, T beta, T* c, std::int64_t ldc) {
  using Batch = xsimd::batch<T>;
  constexpr std::int64_t MR = Tile<T, NB>::MR, NR = Tile<T, NB>::NR, W = Tile<T, NB>::W;
  if (m == MR && n == NR) {  // a full tile: whole vectors, straight to C
    const Batch va(alpha), vb(beta);
    for (std::int64_t i = 0; i < MR; ++i)
      for (std::int64_t j = 0; j < NB; ++j) {
        T* cij = c + i * ldc + j * W;
        Batch r = va * acc[i][j];
        if (beta != T(0)) r = xsimd::fma(vb, Batch::load_unaligned(cij), r);
        r.store_unaligned(cij);
      }
    return;
  }
  // An edge tile: spill the registers and copy the valid corner.
  alignas(64) T spill[MR * NR];
  for (std::int64_t i = 0; i < MR; ++i)
    for (std::int64_t j = 0; j < NB; ++j) acc[i][j].store_aligned(spill + i * NR + j * W);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      const T r = alpha * spill[i * NR + j];
      c[i * ldc + j] = beta == T(0) ? r : r + beta * c[i * ldc + j];
    }
}

/// One tile from start to finish: zero the accumulators, run k, store.
template <class T, ALayout layout, std::int64_t NB = 2>
inline void micro_kernel(std::int64_t kc, const T* a, std::int64_t a_row_stride,
                         std::int64_t a_col_stride, const T* b, std::int64_t m, std::int64_t n,
                         T alpha, T beta, T* c, std::int64_t ldc) {
  xsimd::batch<T> acc[Tile<T, NB>::MR][NB];
  for (auto& row : acc)
    for (auto& v : row) v = xsimd::batch<T>(T(0));
  accumulate_tile<T, layout, NB>(kc, a, a_row_stride, a_col_stride, b, acc);
  store_tile<T, NB>(acc, m, n, alpha, beta, c, ldc);
}

}  // namespace tg::gemm_detail

namespace tg::gemm_detail {

// Note [column kernel]
// For C with few columns (N <= 16: the output layer of an MLP, N = 10) the
// tile above keeps one row of C per register, so with N = 10 six of sixteen
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
      for (std::int64_t v = 0; v < MV; ++v) acc[j][v] = xsimd::fma(a_col[v], b_kj, acc[j][v]);
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
