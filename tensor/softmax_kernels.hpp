// tensor/softmax_kernels.hpp — the exp kernel of the softmax family (internal).
//
// Included by softmax.cpp and by the test that compares the SIMD kernel with
// its scalar twin. Not part of the public API.
#pragma once

#include <cmath>
#include <cstdint>

#include <xsimd/xsimd.hpp>

namespace tg::kernels {

/// Scalar twin: out[i] = exp(x[i] - shift) for i < n (out may be x).
template <class T> void exp_shifted_scalar(const T* x, T* out, std::int64_t n, T shift) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = std::exp(x[i] - shift);
}

// GCC 12 reports a false "may be used uninitialized" inside its own
// AVX-512 intrinsics when xsimd::exp inlines them (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
/// SIMD: the same with xsimd::exp on W lanes at a time, then a scalar tail.
/// xsimd::exp and std::exp may differ in the last bit or two.
template <class T> void exp_shifted_simd(const T* x, T* out, std::int64_t n, T shift) {
  using B = xsimd::batch<T>;
  constexpr std::int64_t W = B::size;
  const B s(shift);
  std::int64_t i = 0;
  for (; i + W <= n; i += W) xsimd::exp(B::load_unaligned(x + i) - s).store_unaligned(out + i);
  for (; i < n; ++i) out[i] = std::exp(x[i] - shift);
}
#pragma GCC diagnostic pop

}  // namespace tg::kernels
