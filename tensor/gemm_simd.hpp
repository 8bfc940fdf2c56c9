// tensor/gemm_simd.hpp — register-level building blocks of our GEMM: a fused
// multiply-add that is one instruction on every target, and a W x W transpose
// through registers (internal to the tensor/gemm*.cpp files; not installed).
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

}  // namespace tg::gemm_detail
