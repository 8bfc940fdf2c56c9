// tensor/gemm_kernel.hpp — the register-tile micro-kernel of our GEMM
// (internal to the tensor/gemm*.cpp files; not installed).
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

#include "tensor/gemm_simd.hpp"

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
/// and measured slower (Note [skinny gemm] in gemm_blocked.cpp).
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
      for (std::int64_t j = 0; j < NB; ++j) acc[i][j] = fmadd(a_ik, b_row[j], acc[i][j]);
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

/// Tile shapes of the in-place path (Note [in-place gemm] in
/// gemm_in_place.cpp): NB vectors wide (at most kMaxVectors), MR rows; MR * NB accumulators + NB
/// loads of B + 1 broadcast of A fit the register file (32 registers with
/// AVX-512: 12 x 1, 12 x 2, 8 x 3, 6 x 4; 16 otherwise: 12 x 1, 6 x 2).
template <class T, std::int64_t NB = 1>
struct InPlaceTile {
  static constexpr bool kWideRegisterFile = sizeof(xsimd::batch<T>) >= 64;
  static constexpr std::int64_t kMaxVectors = kWideRegisterFile ? 4 : 2;
  static constexpr std::int64_t MR = NB == 1 ? 12 : NB == 2 ? (kWideRegisterFile ? 12 : 6)
                                                            : NB == 3 ? 8 : 6;
};

/// The tile of the in-place path (Note [in-place gemm] in gemm_in_place.cpp),
/// with nothing packed: C[0:MR, 0:n] = alpha * sum_{k < K} a(:, k) b(k, :) + beta * C, with
/// a(i, k) at a[i * a_row_stride + k * a_col_stride] for exactly MR rows and
/// b(k, j) at b[k * ldb + j] for NB * W readable columns (n <= NB * W of
/// them land in C). Any MR from 1 to Tile<T, NB>::MR, so the last rows of C
/// need no zero-padded copy of A.
template <class T, std::int64_t MR, std::int64_t NB>
inline void in_place_kernel(std::int64_t K, const T* a, std::int64_t a_row_stride,
                            std::int64_t a_col_stride, const T* b, std::int64_t ldb,
                            std::int64_t n, T alpha, T beta, T* c, std::int64_t ldc) {
  using Batch = xsimd::batch<T>;
  constexpr std::int64_t W = Tile<T, NB>::W, NR = NB * W;
  Batch acc[MR][NB];
  for (auto& row : acc)
    for (auto& v : row) v = Batch(T(0));
#pragma GCC unroll 1
  for (std::int64_t k = 0; k < K; ++k) {
    Batch b_row[NB];
#pragma GCC unroll 4
    for (std::int64_t j = 0; j < NB; ++j) b_row[j] = Batch::load_unaligned(b + k * ldb + j * W);
#pragma GCC unroll 16
    for (std::int64_t i = 0; i < MR; ++i) {
      const Batch a_ik(a[i * a_row_stride + k * a_col_stride]);  // broadcast
#pragma GCC unroll 4
      for (std::int64_t j = 0; j < NB; ++j) acc[i][j] = fmadd(a_ik, b_row[j], acc[i][j]);
    }
  }
  if (n == NR) {  // whole vectors, straight to C
    const Batch va(alpha), vb(beta);
    for (std::int64_t i = 0; i < MR; ++i)
      for (std::int64_t j = 0; j < NB; ++j) {
        T* cij = c + i * ldc + j * W;
        Batch r = va * acc[i][j];
        if (beta != T(0)) r = fmadd(vb, Batch::load_unaligned(cij), r);
        r.store_unaligned(cij);
      }
    return;
  }
  alignas(64) T spill[MR * NR];  // the last columns: spill and copy the valid part
  for (std::int64_t i = 0; i < MR; ++i)
    for (std::int64_t j = 0; j < NB; ++j) acc[i][j].store_aligned(spill + i * NR + j * W);
  for (std::int64_t i = 0; i < MR; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      const T r = alpha * spill[i * NR + j];
      c[i * ldc + j] = beta == T(0) ? r : r + beta * c[i * ldc + j];
    }
}

}  // namespace tg::gemm_detail
