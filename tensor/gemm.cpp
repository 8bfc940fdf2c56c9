#include "tensor/gemm.hpp"

#include <algorithm>
#include <cstdint>

#include "tensor/gemm_detail.hpp"
#include "tensor/gemm_kernel.hpp"
#include "tensor/parallel.hpp"

namespace tg {

namespace {

using gemm_detail::Operands;
using gemm_detail::Tile;
using gemm_detail::gemm_blocked;
using gemm_detail::gemm_columns;
using gemm_detail::gemm_dot;
using gemm_detail::gemm_in_place;
using gemm_detail::gemm_rows;
using gemm_detail::gemm_skinny;

// Problems below this many multiply-adds run the plain triple loop: packing
// and threading would cost more than the arithmetic.
constexpr std::int64_t kNaiveMaxWork = 16 * 16 * 16;
// C with at most this many rows skips packing (Note [row gemm] in gemm_rows.cpp).
constexpr std::int64_t kRowGemmMaxRows = 2;
// Below this many multiply-adds one thread does all the work (an OpenMP
// fork/join costs a few microseconds).
constexpr std::int64_t kParallelMinWork = 128 * 128 * 64;
// The in-place path (Note [in-place gemm] in gemm_in_place.cpp) takes every
// product below kSmallMaxWork multiply-adds, and larger ones whose dimensions
// are all at most kInPlaceMaxDim when reading in place steps through memory
// by less than kInPlaceMaxStrideBytes per k. Past 1024 rows and columns the packed
// blocks of the blocked path keep A and B in cache, and with steps of 4 KiB
// or more (lda or ldb of 1024 floats) every k lands on the same L1 sets and
// a new page: 1024^3 A^T B measured 127 GFLOP/s in place, 154 packed (one
// thread). Inside the bounds the in-place path measured faster at every size
// tried (one thread: 768^3 A B 212 -> 238, 512^3 224 -> 241).
constexpr std::int64_t kSmallMaxWork = kParallelMinWork;
constexpr std::int64_t kInPlaceMaxDim = 1024;
constexpr std::int64_t kInPlaceMaxStrideBytes = 4096;
// The skinny path packs all of op(B) at once; above this many bytes of panel
// the blocked path (which packs KC rows at a time) is used instead.
constexpr std::int64_t kSkinnyMaxPanelBytes = 1 << 20;

// C with at most this many columns and at least this many rows, with A
// stored transposed, takes the column path (Note [column kernel] in
// gemm_column_kernel.hpp). With A not transposed the column kernel would need A
// packed with a transpose, which measured slower (128x10x256: 34 GFLOP/s);
// those shapes take the dot path instead.
constexpr std::int64_t kColumnMaxCols = 16;
constexpr std::int64_t kColumnMinRows = 16;
// C with at most this many columns and A not transposed takes the dot path
// (Note [dot kernel] in gemm_dot_kernel.hpp). Measured (f32, one thread,
// GFLOP/s, skinny path -> dot path): 128x10x128 A B 78 -> 125, A B^T 73 ->
// 140; 128x10x256 A B 81 -> 155, A B^T 79 -> 171.
constexpr std::int64_t kDotMaxCols = 16;

// C = alpha * op(A) op(B) + beta * C for tiny problems, one element at a time.
template <class T>
void gemm_naive(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
                T beta, T* C, std::int64_t ldc) {
  for (std::int64_t i = 0; i < M; ++i)
    for (std::int64_t j = 0; j < N; ++j) {
      T acc = 0;
      for (std::int64_t k = 0; k < K; ++k) acc += op.a(i, k) * op.b(k, j);
      T& c = C[i * ldc + j];
      c = beta == T(0) ? alpha * acc : alpha * acc + beta * c;
    }
}

// Whether the in-place path takes the product (see kSmallMaxWork). Reading in
// place, op(A) steps by lda per k when stored transposed, op(B) by ldb when
// not (B^T is packed).
template <class T>
bool in_place_path_fits(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K) {
  if (M * N * K < kSmallMaxWork) return true;
  const std::int64_t a_step = op.trans_a ? op.lda : 1, b_step = op.trans_b ? 1 : op.ldb;
  return std::max({M, N, K}) <= kInPlaceMaxDim &&
         std::max(a_step, b_step) * static_cast<std::int64_t>(sizeof(T)) < kInPlaceMaxStrideBytes;
}

// C = beta * C (C = 0 when beta == 0, without reading C).
template <class T>
void scale_c(std::int64_t M, std::int64_t N, T beta, T* C, std::int64_t ldc) {
  for (std::int64_t i = 0; i < M; ++i)
    for (std::int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == T(0) ? T(0) : beta * C[i * ldc + j];
}

template <class T>
void gemm_impl(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K,
               T alpha, const T* A, std::int64_t lda, const T* B, std::int64_t ldb, T beta, T* C,
               std::int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == T(0)) {  // nothing to multiply: BLAS reads neither A nor B
    scale_c(M, N, beta, C, ldc);
    return;
  }
  const Operands<T> op{trans_a, trans_b, A, lda, B, ldb};
  const std::int64_t work = M * N * K;
  if (work <= kNaiveMaxWork) {
    gemm_naive(op, M, N, K, alpha, beta, C, ldc);
    return;
  }
  if (M <= kRowGemmMaxRows) {
    gemm_rows(op, M, N, K, alpha, beta, C, ldc);
    return;
  }
  const int threads = work >= kParallelMinWork ? get_num_threads() : 1;
  const std::int64_t skinny_panel_bytes = K * Tile<T>::NR * static_cast<std::int64_t>(sizeof(T));
  if (N <= kColumnMaxCols && trans_a && M >= kColumnMinRows)
    gemm_columns(op, M, N, K, alpha, beta, C, ldc, threads);
  else if (!trans_a && (N <= kDotMaxCols || (trans_b && M < Tile<T>::MR)))
    gemm_dot(op, M, N, K, alpha, beta, C, ldc, threads);
  else if (in_place_path_fits(op, M, N, K))
    gemm_in_place(op, M, N, K, alpha, beta, C, ldc, threads);
  else if (N <= Tile<T, 1>::NR && skinny_panel_bytes <= kSkinnyMaxPanelBytes)
    gemm_skinny<T, 1>(op, M, N, K, alpha, beta, C, ldc, threads);
  else if (N <= Tile<T, 2>::NR && skinny_panel_bytes <= kSkinnyMaxPanelBytes)
    gemm_skinny<T, 2>(op, M, N, K, alpha, beta, C, ldc, threads);
  else
    gemm_blocked(op, M, N, K, alpha, beta, C, ldc, threads);
}

}  // namespace

void gemm(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K,
          float alpha, const float* A, std::int64_t lda, const float* B, std::int64_t ldb,
          float beta, float* C, std::int64_t ldc) {
  gemm_impl<float>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void gemm(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K,
          double alpha, const double* A, std::int64_t lda, const double* B, std::int64_t ldb,
          double beta, double* C, std::int64_t ldc) {
  gemm_impl<double>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace tg
