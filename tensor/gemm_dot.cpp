#include "tensor/gemm_detail.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "tensor/gemm_dot_kernel.hpp"
#include "tensor/gemm_simd.hpp"

namespace tg::gemm_detail {

namespace {

// The dot path (Note [dot kernel] in gemm_dot_kernel.hpp): op(A) = A, so
// rows of A are contiguous in k. Taken when C has at most kDotMaxCols columns
// (gemm.cpp), and for A B^T with fewer rows than one tile of the in-place and
// blocked paths, whose packed copy of B^T would then serve a single row tile.
// C is built in column chunks of at most kMaxCols and tiles of kRows rows
// (the last M % kRows rows one at a time) against op(B)^T, an N x K matrix
// read row by row: B itself when trans_b, else B transposed
// into a buffer with rows zero-padded to a multiple of W (N * K values,
// small next to the M * N * K of the product). A is read in place. Each
// element's sum runs in the same W-wide steps of k for any thread count.
// dot_chunk runs `rows` rows of C by one chunk of `cols` columns: tiles of
// kRows rows, then the last rows alone. Looping over the rows here, after the
// dispatch on `cols`, rather than dispatching once per tile measured (f32,
// one thread, GFLOP/s) 128x10x128 A B 171 -> 174, 128x4x256 A B 138 -> 150.
// Inlining dot_kernel into this loop ([[gnu::always_inline]], dot_chunk
// kept out of line) measured 174 -> 181 there but 122 -> 100 on 8x200x128
// A B^T (chunks of 13-14 columns spill registers, and 4 tiles a chunk do
// not repay the set-up), so it is not done.
template <class T, std::int64_t kCols = 1>
void dot_chunk(std::int64_t rows, std::int64_t cols, std::int64_t K, const T* a, std::int64_t lda,
               const T* bt, std::int64_t ldbt, const T* b_tail, std::int64_t ld_tail, T alpha,
               T beta, T* c, std::int64_t ldc) {
  if constexpr (kCols < gemm_detail::DotTile<T>::kMaxCols)
    if (cols != kCols)
      return dot_chunk<T, kCols + 1>(rows, cols, K, a, lda, bt, ldbt, b_tail, ld_tail, alpha,
                                     beta, c, ldc);
  constexpr std::int64_t kRows = gemm_detail::DotTile<T>::kRows;
  std::int64_t i = 0;
  for (; i + kRows <= rows; i += kRows)
    gemm_detail::dot_kernel<T, kRows, kCols>(K, a + i * lda, lda, bt, ldbt, b_tail, ld_tail,
                                             alpha, beta, c + i * ldc, ldc);
  for (; i < rows; ++i)
    gemm_detail::dot_kernel<T, 1, kCols>(K, a + i * lda, lda, bt, ldbt, b_tail, ld_tail, alpha,
                                         beta, c + i * ldc, ldc);
}

// op(B)^T as the dot kernel reads it: row j at bt + j * ldbt, and the last
// K % W values of each row, zero-padded to W, at b_tail + j * ld_tail.
template <class T>
struct DotOperand {
  const T* bt;
  std::int64_t ldbt;
  const T* b_tail;
  std::int64_t ld_tail;
};

// For A B: B (K x N) transposed into a scratch buffer with rows padded with
// zeros to a multiple of W; the padding doubles as b_tail.
template <class T>
DotOperand<T> transpose_small_b(const Operands<T>& op, std::int64_t N, std::int64_t K) {
  constexpr std::int64_t W = gemm_detail::DotTile<T>::W;
  const std::int64_t ldbt = ceil_div(K, W) * W;
  T* panel = b_buffer<T>().get(N * ldbt);
  // W x W blocks of B through registers (Note [block transpose]). A block
  // reads W values from each row, past column N into the next row, so only
  // while that stays inside B; the last rows one value at a time.
  const std::int64_t end_of_b = (K - 1) * op.ldb + N;
  alignas(64) T block[W * W];
  for (std::int64_t j0 = 0; j0 < N; j0 += W) {
    const std::int64_t cols = std::min(W, N - j0);
    std::int64_t k = 0;
    for (; k + W <= K && (k + W - 1) * op.ldb + j0 + W <= end_of_b; k += W) {
      gemm_detail::transpose_block<T, static_cast<int>(W)>(op.B + k * op.ldb + j0, op.ldb,
                                                           block, W);
      for (std::int64_t j = 0; j < cols; ++j)
        std::memcpy(panel + (j0 + j) * ldbt + k, block + j * W, W * sizeof(T));
    }
    for (; k < K; ++k)
      for (std::int64_t j = j0; j < j0 + cols; ++j) panel[j * ldbt + k] = op.B[k * op.ldb + j];
  }
  for (std::int64_t j = 0; j < N; ++j)
    for (std::int64_t k = K; k < ldbt; ++k) panel[j * ldbt + k] = T(0);
  return {panel, ldbt, panel + K / W * W, ldbt};
}

// For A B^T: B read in place; only the ends of its rows are copied.
template <class T>
DotOperand<T> small_b_in_place(const Operands<T>& op, std::int64_t N, std::int64_t K) {
  constexpr std::int64_t W = gemm_detail::DotTile<T>::W;
  const std::int64_t k_full = K / W * W;
  T* tails = b_buffer<T>().get(N * W);
  for (std::int64_t j = 0; j < N; ++j)
    for (std::int64_t k = k_full; k < k_full + W; ++k)
      tails[j * W + k - k_full] = k < K ? op.B[j * op.ldb + k] : T(0);
  return {op.B, op.ldb, tails, W};
}

}  // namespace

template <class T>
void gemm_dot(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
              T beta, T* C, std::int64_t ldc, int threads) {
  constexpr std::int64_t kMaxCols = gemm_detail::DotTile<T>::kMaxCols;
  const DotOperand<T> b = op.trans_b ? small_b_in_place(op, N, K) : transpose_small_b(op, N, K);
  constexpr std::int64_t kRows = gemm_detail::DotTile<T>::kRows;
  const std::int64_t chunks = ceil_div(N, kMaxCols);  // of nearly equal width
  const auto chunk_start = [&](std::int64_t ch) { return N * ch / chunks; };
  // Rows i0, ..., i0 + rows - 1 of C by columns j0, ..., j0 + cols - 1.
  const auto block = [&](std::int64_t i0, std::int64_t rows, std::int64_t j0, std::int64_t cols) {
    dot_chunk<T>(rows, cols, K, op.A + i0 * op.lda, op.lda, b.bt + j0 * b.ldbt, b.ldbt,
                 b.b_tail + j0 * b.ld_tail, b.ld_tail, alpha, beta, C + i0 * ldc + j0, ldc);
  };
  const std::int64_t tiles = ceil_div(M, kRows);
  // Note [dot loop order]
  // One thread goes chunk by chunk, so a chunk's columns are worked out once
  // rather than once per tile (two 64-bit divisions). Measured (f32, one
  // thread, GFLOP/s, per tile -> once): 128x10x128 A B 170 -> 175, A B^T 176
  // -> 182; 8x200x128 A B^T (15 chunks) 91 -> 126. Threads split the tiles,
  // and each goes through every chunk of its tiles. Every C element is
  // computed the same way in either order.
  if (threads == 1) {  // Note [serial calls]
    for (std::int64_t ch = 0; ch < chunks; ++ch) {
      const std::int64_t j0 = chunk_start(ch), cols = chunk_start(ch + 1) - j0;
      block(0, M, j0, cols);
    }
    return;
  }
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t t = 0; t < tiles; ++t)
    for (std::int64_t ch = 0; ch < chunks; ++ch)
      block(t * kRows, std::min(kRows, M - t * kRows), chunk_start(ch),
            chunk_start(ch + 1) - chunk_start(ch));
}

template void gemm_dot<float>(const Operands<float>&, std::int64_t, std::int64_t, std::int64_t,
                              float, float, float*, std::int64_t, int);
template void gemm_dot<double>(const Operands<double>&, std::int64_t, std::int64_t, std::int64_t,
                               double, double, double*, std::int64_t, int);

}  // namespace tg::gemm_detail
