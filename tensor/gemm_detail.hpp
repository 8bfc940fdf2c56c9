// tensor/gemm_detail.hpp — what the paths of our GEMM share (internal to the
// tensor/gemm*.cpp files; not installed): the operands as the algorithm sees
// them, the per-thread packing buffers, the packing routines, and the paths
// themselves, which gemm_impl in tensor/gemm.cpp chooses between by shape.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

#include "tensor/gemm_kernel.hpp"
#include "tensor/gemm_simd.hpp"

namespace tg::gemm_detail {

// Note [serial calls]
// `#pragma omp parallel ... if (false)` still enters the OpenMP runtime
// (GOMP_parallel with one thread: an outlined call, a team set-up, a join),
// about 0.2-0.3 us a call; a 128x10x128 product takes about 3 us. So every
// path tests for one thread itself and then runs its loop as a plain loop.
// Measured (f32, one thread): 128x10x128 A B 115 -> 125 GFLOP/s.

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// A grow-only, 64-byte-aligned scratch buffer. One per thread (thread_local)
// for the packed panels, so steady-state GEMM calls allocate nothing.
template <class T>
class PackBuffer {
 public:
  T* get(std::int64_t count) {
    if (count > capacity_) {
      const std::size_t bytes = (static_cast<std::size_t>(count) * sizeof(T) + 63) / 64 * 64;
      data_.reset(static_cast<T*>(std::aligned_alloc(64, bytes)));
      if (!data_) throw std::bad_alloc();
      capacity_ = count;
    }
    return data_.get();
  }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> data_;
  std::int64_t capacity_ = 0;
};

template <class T>
PackBuffer<T>& a_buffer() {
  thread_local PackBuffer<T> buffer;
  return buffer;
}
template <class T>
PackBuffer<T>& b_buffer() {
  thread_local PackBuffer<T> buffer;
  return buffer;
}

// The operands as the algorithm sees them: op(A) is M x K, op(B) is K x N.
// a(i, k) and b(k, j) hide whether the memory holds the matrix or its transpose.
template <class T>
struct Operands {
  bool trans_a, trans_b;
  const T* A;
  std::int64_t lda;
  const T* B;
  std::int64_t ldb;
  T a(std::int64_t i, std::int64_t k) const { return trans_a ? A[k * lda + i] : A[i * lda + k]; }
  T b(std::int64_t k, std::int64_t j) const { return trans_b ? B[j * ldb + k] : B[k * ldb + j]; }
};

// Packs rows [i0, i0 + mc) and steps [p0, p0 + kc) of op(A) into MR-row
// panels: panel r holds a(i0 + r*MR + i, p0 + k) at out[r*MR*kc + k*MR + i].
// Rows past mc are zero, so the kernel can always run a full tile.
template <std::int64_t MR, class T>
void pack_a(const Operands<T>& op, std::int64_t i0, std::int64_t mc, std::int64_t p0,
            std::int64_t kc, T* out) {
  for (std::int64_t r = 0; r < mc; r += MR, out += MR * kc) {
    const std::int64_t rows = std::min(MR, mc - r);
    if (op.trans_a) {  // a(i, k) = A[k * lda + i]: each k gives `rows` contiguous values
      for (std::int64_t k = 0; k < kc; ++k) {
        const T* src = op.A + (p0 + k) * op.lda + i0 + r;
        for (std::int64_t i = 0; i < rows; ++i) out[k * MR + i] = src[i];
        for (std::int64_t i = rows; i < MR; ++i) out[k * MR + i] = T(0);
      }
    } else {  // a(i, k) = A[i * lda + k]: read each row contiguously
      for (std::int64_t i = 0; i < rows; ++i) {
        const T* src = op.A + (i0 + r + i) * op.lda + p0;
        for (std::int64_t k = 0; k < kc; ++k) out[k * MR + i] = src[k];
      }
      for (std::int64_t i = rows; i < MR; ++i)
        for (std::int64_t k = 0; k < kc; ++k) out[k * MR + i] = T(0);
    }
  }
}

// Packs one NR-column panel of op(B): columns [j0, j0 + cols), steps
// [p0, p0 + kc), b(p0 + k, j0 + j) at out[k*NR + j]; columns past `cols` are zero.
template <std::int64_t NR, class T>
void pack_b_panel(const Operands<T>& op, std::int64_t p0, std::int64_t kc, std::int64_t j0,
                  std::int64_t cols, T* out) {
  if (op.trans_b) {  // b(k, j) = B[j * ldb + k]: W x W blocks through registers
    constexpr int W = static_cast<int>(Tile<T>::W);  // Note [block transpose]
    std::int64_t j = 0;
    for (; j + W <= cols; j += W) {
      const T* src = op.B + (j0 + j) * op.ldb + p0;
      std::int64_t k = 0;
      for (; k + W <= kc; k += W)
        gemm_detail::transpose_block<T, W>(src + k, op.ldb, out + k * NR + j, NR);
      for (; k < kc; ++k)
        for (std::int64_t jj = 0; jj < W; ++jj) out[k * NR + j + jj] = src[jj * op.ldb + k];
    }
    for (; j < cols; ++j) {  // the last columns, one at a time
      const T* src = op.B + (j0 + j) * op.ldb + p0;
      for (std::int64_t k = 0; k < kc; ++k) out[k * NR + j] = src[k];
    }
  } else {  // b(k, j) = B[k * ldb + j]: each k gives `cols` contiguous values
    for (std::int64_t k = 0; k < kc; ++k) {
      const T* src = op.B + (p0 + k) * op.ldb + j0;
      for (std::int64_t j = 0; j < cols; ++j) out[k * NR + j] = src[j];
    }
  }
  for (std::int64_t k = 0; k < kc; ++k)
    for (std::int64_t j = cols; j < NR; ++j) out[k * NR + j] = T(0);
}

// The paths: each computes C = alpha * op(A) op(B) + beta * C for its shapes,
// explicitly instantiated for float and double (and NB = 1, 2 for the skinny
// path) in its own file.

// One or two rows of C, built straight from B (Note [row gemm] in gemm_rows.cpp).
template <class T>
void gemm_rows(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
               T beta, T* C, std::int64_t ldc);

// Few columns of C, A stored transposed: vectors run down the columns of C
// (gemm_columns.cpp).
template <class T>
void gemm_columns(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
                  T beta, T* C, std::int64_t ldc, int threads);

// Few columns of C, A stored row by row: vectors run along K (gemm_dot.cpp).
template <class T>
void gemm_dot(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
              T beta, T* C, std::int64_t ldc, int threads);

// Small and medium products, A and B read in place (Note [in-place gemm] in
// gemm_in_place.cpp).
template <class T>
void gemm_in_place(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K,
                   T alpha, T beta, T* C, std::int64_t ldc, int threads);

// op(B) packed once into a single panel NB vectors wide, A read in place
// (Note [skinny gemm] in gemm_blocked.cpp).
template <class T, std::int64_t NB>
void gemm_skinny(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
                 T beta, T* C, std::int64_t ldc, int threads);

// The blocked algorithm (Note [gemm blocking] in gemm_blocked.cpp).
template <class T>
void gemm_blocked(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
                  T beta, T* C, std::int64_t ldc, int threads);

}  // namespace tg::gemm_detail
