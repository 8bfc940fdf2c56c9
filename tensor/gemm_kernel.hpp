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
#include <cstring>
#include <type_traits>
#include <utility>

namespace tg::gemm_detail {

// Note [fused multiply-add]
// The kernels want a fused multiply-add, x * y + z with one rounding, in one
// instruction. xsimd::fma gives one with SSE/AVX2 + FMA3, but xsimd 8.1 has
// no AVX-512 version: it falls back to x * y + z, which our
// -ffp-contract=off (no silent contraction anywhere else in tapegrad) then
// compiles to a multiply and an add: two instructions and two roundings.
// fmadd() calls the AVX-512 instruction directly and xsimd::fma otherwise.
// Measured on this Zen 5 machine (f32, one thread, GFLOP/s, multiply + add ->
// fmadd): A^T B 128x10x128 160 -> 174, 128x10x256 194 -> 206 (column
// kernel); the 12 x 32 tile gains 1-3% (it was not short of FP ports).
template <class T>
inline xsimd::batch<T> fmadd(const xsimd::batch<T>& x, const xsimd::batch<T>& y,
                             const xsimd::batch<T>& z) {
#if defined(__AVX512F__)
  if constexpr (sizeof(xsimd::batch<T>) == 64) {
    if constexpr (std::is_same_v<T, float>)
      return _mm512_fmadd_ps(x, y, z);
    else
      return _mm512_fmadd_pd(x, y, z);
  }
#endif
  return xsimd::fma(x, y, z);
}

// Note [block transpose]
// Packing B^T (A B^T, the backward pass) means a transpose: column j of op(B)
// is row j of B. Copied one element at a time, the panel's stores are
// scattered NR elements apart, one store per element. transpose_block moves a W x W block
// through registers instead: W row loads, W * log2(W) two-input shuffles,
// W row stores. The shuffles swap the off-diagonal halves of every 2s x 2s
// sub-block for s = W/2, ..., 2, 1 (a transpose is exactly that, at every
// scale): rows a and a + s trade the lanes whose bit s differs. The index
// lists are built at compile time and written with GCC's vector extensions
// (__builtin_shufflevector), so one definition serves every vector width;
// the compiler picks the instructions (vpermt2ps and friends with AVX-512).
// Measured (f32, one thread, GFLOP/s, element copy -> blocks; OpenBLAS
// SkylakeX in the same run): A B^T 128x256x784 173 -> 201 (200), 128x784x256
// 183 -> 211 (204), 256x784x128 201 -> 215 (222), 64^3 153 -> 207 (164).
// For rows a and b of a 2s x 2s sub-block (lanes grouped in runs of s):
// low_halves(a, b) keeps a's low runs and puts b's low runs in between,
// high_halves(a, b) takes a's high runs, then keeps b's high runs.
template <class Vec, int W, int s, int... L>
inline Vec low_halves(Vec a, Vec b, std::integer_sequence<int, L...>) {
  return __builtin_shufflevector(a, b, ((L & s) == 0 ? L : W + L - s)...);
}
template <class Vec, int W, int s, int... L>
inline Vec high_halves(Vec a, Vec b, std::integer_sequence<int, L...>) {
  return __builtin_shufflevector(a, b, ((L & s) == 0 ? L + s : W + L)...);
}

template <class Vec, int W, int s>
inline void swap_off_diagonal(Vec (&rows)[W]) {
  if constexpr (s >= 1) {
    constexpr auto lanes = std::make_integer_sequence<int, W>{};
#pragma GCC unroll 16
    for (int a = 0; a < W; ++a)
      if ((a & s) == 0) {
        const Vec low = low_halves<Vec, W, s>(rows[a], rows[a + s], lanes);
        const Vec high = high_halves<Vec, W, s>(rows[a], rows[a + s], lanes);
        rows[a] = low;
        rows[a + s] = high;
      }
    swap_off_diagonal<Vec, W, s / 2>(rows);
  }
}

/// dst[i * ldd + j] = src[j * lds + i] for i, j < W (any alignment).
template <class T, int W>
inline void transpose_block(const T* src, std::int64_t lds, T* dst, std::int64_t ldd) {
  typedef T Vec __attribute__((vector_size(sizeof(T) * W)));  // W lanes of T
  Vec rows[W];
#pragma GCC unroll 16
  for (int i = 0; i < W; ++i) std::memcpy(&rows[i], src + i * lds, sizeof(Vec));
  swap_off_diagonal<Vec, W, W / 2>(rows);
#pragma GCC unroll 16
  for (int i = 0; i < W; ++i) std::memcpy(dst + i * ldd, &rows[i], sizeof(Vec));
}

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

/// Tile shapes of the in-place path (Note [in-place gemm] in gemm.cpp): NB
/// vectors wide (at most kMaxVectors), MR rows; MR * NB accumulators + NB
/// loads of B + 1 broadcast of A fit the register file (32 registers with
/// AVX-512: 12 x 1, 12 x 2, 8 x 3, 6 x 4; 16 otherwise: 12 x 1, 6 x 2).
template <class T, std::int64_t NB = 1>
struct InPlaceTile {
  static constexpr bool kWideRegisterFile = sizeof(xsimd::batch<T>) >= 64;
  static constexpr std::int64_t kMaxVectors = kWideRegisterFile ? 4 : 2;
  static constexpr std::int64_t MR = NB == 1 ? 12 : NB == 2 ? (kWideRegisterFile ? 12 : 6)
                                                            : NB == 3 ? 8 : 6;
};

/// The tile of the in-place path (Note [in-place gemm] in gemm.cpp), with nothing
/// packed: C[0:MR, 0:n] = alpha * sum_{k < K} a(:, k) b(k, :) + beta * C, with
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
// gemm.cpp); A is never packed.
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
