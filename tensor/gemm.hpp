// tensor/gemm.hpp — our own general matrix multiply.
//
//   C = alpha * op(A) @ op(B) + beta * C,  op(X) = X or X^T
//
// A is M x K after op, B is K x N after op, C is M x N; all row-major with
// leading dimensions lda/ldb/ldc (elements between rows). Transposed operands
// are read in place, never materialised. With beta == 0, C is not read (it
// may hold NaN garbage).
//
// The algorithm is the Goto/BLIS scheme: C is cut into cache-sized blocks;
// for each block the needed panels of A and B are packed into contiguous,
// aligned buffers laid out in the order the micro-kernel reads them, and an
// xsimd micro-kernel keeps an MR x NR tile of C in registers while it streams
// through K (tensor/gemm_kernel.hpp; MR x NR = 12 x 32 floats with AVX-512,
// 6 x 8 with SSE2). Parts of C are spread over the OpenMP pool
// (tg::set_num_threads); each C element is computed by one thread with a
// summation order fixed by the shape, so results are bitwise identical for
// any thread count.
//
// Seven paths, chosen by shape alone:
//   - tiny problems (M*N*K <= 4096): the plain triple loop;
//   - one or two rows of C (M <= 2): no packing, rows of C built straight
//     from B (Note [row gemm] in gemm_rows.cpp);
//   - A transposed with few columns of C (trans_a, N <= 16, M >= 16: the
//     weight-gradient shapes of a 10-output layer): vectors run down the
//     columns of C, A and B read in place (Note [column kernel] in
//     gemm_column_kernel.hpp);
//   - A not transposed with few columns of C (N <= 16: the forward pass of
//     a 10-output layer), and A B^T with fewer than MR rows: vectors run
//     along K, one dot product per element of C, A read in place (Note [dot
//     kernel] in gemm_dot_kernel.hpp);
//   - small and medium products (under 128*128*64 multiply-adds, or every
//     dimension <= 1024 with lda/ldb steps under 4 KiB): the register tile
//     reads A and B in place, only panels of B^T packed (Note [in-place gemm]
//     in gemm_in_place.cpp);
//   - skinny (N <= NR, and op(B) packed in at most 1 MiB): op(B) packed once,
//     A read in place (no A packing);
//   - everything else: the blocked algorithm above.
// Problems under about 10^6 multiply-adds run on one thread.
//
// References: Goto & van de Geijn, "Anatomy of High-Performance Matrix
// Multiplication", ACM TOMS 34(3), 2008; Van Zee & van de Geijn, "BLIS: A
// Framework for Rapidly Instantiating BLAS Functionality", ACM TOMS 41(3), 2015.
#pragma once

#include <cstdint>

namespace tg {

/// C = alpha * op(A) @ op(B) + beta * C in f32 (contract at the top of this file):
/// op(A) is M x K, op(B) is K x N, C is M x N, all row-major with leading
/// dimensions lda/ldb/ldc. M or N <= 0 does nothing; K <= 0 or alpha == 0
/// only scales C by beta (A and B are not read); beta == 0 never reads C.
/// No argument checks and no tg::Error: the caller guarantees the sizes
/// (std::bad_alloc if a packing buffer cannot be allocated).
void gemm(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K,
          float alpha, const float* A, std::int64_t lda, const float* B, std::int64_t ldb,
          float beta, float* C, std::int64_t ldc);
/// The same GEMM in f64.
void gemm(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K,
          double alpha, const double* A, std::int64_t lda, const double* B, std::int64_t ldb,
          double beta, double* C, std::int64_t ldc);

/// The textbook triple loop, same contract: the reference the tests compare
/// the blocked GEMM against.
template <class T>
void gemm_reference(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K,
                    T alpha, const T* A, std::int64_t lda, const T* B, std::int64_t ldb, T beta,
                    T* C, std::int64_t ldc) {
  for (std::int64_t i = 0; i < M; ++i)
    for (std::int64_t j = 0; j < N; ++j) {
      double acc = 0;
      for (std::int64_t k = 0; k < K; ++k) {
        const T a = trans_a ? A[k * lda + i] : A[i * lda + k];
        const T b = trans_b ? B[j * ldb + k] : B[k * ldb + j];
        acc += static_cast<double>(a) * static_cast<double>(b);
      }
      const double prior = beta == T(0) ? 0.0 : static_cast<double>(beta) * C[i * ldc + j];
      C[i * ldc + j] = static_cast<T>(static_cast<double>(alpha) * acc + prior);
    }
}

}  // namespace tg
