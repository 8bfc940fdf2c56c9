#include "tensor/gemm_detail.hpp"

#include <algorithm>
#include <cstdint>

#include "tensor/gemm_column_kernel.hpp"

namespace tg::gemm_detail {

namespace {

// The column path (Note [column kernel] in gemm_column_kernel.hpp): C with
// at most kColumnMaxCols columns (gemm.cpp), built from MR-row tiles in which
// each register holds a piece of a column of C. A must be stored transposed
// (op(A) = A^T), so that op(A) is contiguous down its columns and is read in
// place; only the last, partial tile is packed into a zero-padded K x MR
// panel. op(B) is read in place.
// The order of each sum is k = 0, 1, ..., K-1 for any thread count.
template <class T, std::int64_t kCols>
void column_chunk(const Operands<T>& op, const T* a, std::int64_t lda, std::int64_t i0,
                  std::int64_t m, std::int64_t j0, std::int64_t K, T alpha, T beta, T* C,
                  std::int64_t ldc) {
  const T* b = op.trans_b ? op.B + j0 * op.ldb : op.B + j0;
  const std::int64_t b_k_stride = op.trans_b ? 1 : op.ldb, b_j_stride = op.trans_b ? op.ldb : 1;
  gemm_detail::column_kernel<T, kCols>(K, a, lda, b, b_k_stride, b_j_stride, m, alpha, beta,
                                       C + i0 * ldc + j0, ldc);
}

// The same for a width known only at run time (1 <= cols <= kMaxCols).
template <class T, std::int64_t kCols = 1>
void column_chunk(std::int64_t cols, const Operands<T>& op, const T* a, std::int64_t lda,
                  std::int64_t i0, std::int64_t m, std::int64_t j0, std::int64_t K, T alpha,
                  T beta, T* C, std::int64_t ldc) {
  if constexpr (kCols < gemm_detail::ColumnTile<T>::kMaxCols)
    if (cols != kCols)
      return column_chunk<T, kCols + 1>(cols, op, a, lda, i0, m, j0, K, alpha, beta, C, ldc);
  column_chunk<T, kCols>(op, a, lda, i0, m, j0, K, alpha, beta, C, ldc);
}

// Rows [i0, i0 + m) of C, m <= MR; requires op.trans_a.
template <class T>
void column_tile(const Operands<T>& op, std::int64_t i0, std::int64_t m, std::int64_t N,
                 std::int64_t K, T alpha, T beta, T* C, std::int64_t ldc) {
  constexpr std::int64_t MR = gemm_detail::ColumnTile<T>::MR;
  constexpr std::int64_t kMaxCols = gemm_detail::ColumnTile<T>::kMaxCols;
  const T* a = op.A + i0;
  std::int64_t lda = op.lda;
  if (m < MR) {  // the last tile: pack a(i0 + i, k) at panel[k * MR + i], zero-padded
    T* panel = a_buffer<T>().get(MR * K);
    for (std::int64_t k = 0; k < K; ++k) {
      const T* src = op.A + k * op.lda + i0;
      for (std::int64_t i = 0; i < m; ++i) panel[k * MR + i] = src[i];
      for (std::int64_t i = m; i < MR; ++i) panel[k * MR + i] = T(0);
    }
    a = panel;
    lda = MR;
  }
  // N in chunks of nearly equal width, each at most kMaxCols.
  const std::int64_t chunks = ceil_div(N, kMaxCols);
  for (std::int64_t c = 0; c < chunks; ++c) {
    const std::int64_t j0 = N * c / chunks, cols = N * (c + 1) / chunks - j0;
    column_chunk<T>(cols, op, a, lda, i0, m, j0, K, alpha, beta, C, ldc);
  }
}

}  // namespace

template <class T>
void gemm_columns(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
                  T beta, T* C, std::int64_t ldc, int threads) {
  constexpr std::int64_t MR = gemm_detail::ColumnTile<T>::MR;
  const std::int64_t tiles = ceil_div(M, MR);
  const auto tile = [&](std::int64_t t) {
    column_tile(op, t * MR, std::min(MR, M - t * MR), N, K, alpha, beta, C, ldc);
  };
  if (threads == 1 || tiles == 1) {  // Note [serial calls]
    for (std::int64_t t = 0; t < tiles; ++t) tile(t);
    return;
  }
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t t = 0; t < tiles; ++t) tile(t);
}

template void gemm_columns<float>(const Operands<float>&, std::int64_t, std::int64_t, std::int64_t,
                                  float, float, float*, std::int64_t, int);
template void gemm_columns<double>(const Operands<double>&, std::int64_t, std::int64_t,
                                   std::int64_t, double, double, double*, std::int64_t, int);

}  // namespace tg::gemm_detail
