#include "tensor/gemm.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include "tensor/gemm_kernel.hpp"
#include "tensor/parallel.hpp"

namespace tg {

namespace {

using gemm_detail::ALayout;
using gemm_detail::Tile;

// Note [gemm blocking]
// Loop nest of the Goto/BLIS algorithm, outermost first:
//   jc: NC columns of C and B        B block (KC x NC) packed once, lives in L3
//   pc: KC steps of the sum          later steps add to C (beta = 1)
//   ic: MC rows of C and A           A block (MC x KC) packed, lives in L2
//   jr: NR-wide panels of B          B micro-panel (KC x NR) stays in L1 across ir
//   ir: MR-tall panels of A          the micro-kernel: an MR x NR tile in registers
// KC is chosen so that one B micro-panel (KC * NR elements) takes about 32 KiB
// of this machine's 48 KiB L1; MC so that the A block takes about 256 KiB of
// the 1 MiB L2. The sizes are in bytes, so f64 gets half the elements.
template <class T>
struct Blocking {
  static constexpr std::int64_t KC = 32768 / (Tile<T>::NR * static_cast<std::int64_t>(sizeof(T)));
  static constexpr std::int64_t MC =
      (262144 / (KC * static_cast<std::int64_t>(sizeof(T)))) / Tile<T>::MR * Tile<T>::MR;
  static constexpr std::int64_t NC = 4096;
};

// Note [serial calls]
// `#pragma omp parallel ... if (false)` still enters the OpenMP runtime
// (GOMP_parallel with one thread: an outlined call, a team set-up, a join),
// about 0.2-0.3 us a call; a 128x10x128 product takes about 3 us. So every
// path tests for one thread itself and then runs its loop as a plain loop.
// Measured (f32, one thread): 128x10x128 A B 115 -> 125 GFLOP/s.

// Problems below this many multiply-adds run the plain triple loop: packing
// and threading would cost more than the arithmetic.
constexpr std::int64_t kNaiveMaxWork = 16 * 16 * 16;
// C with at most this many rows skips packing (Note [row gemm]).
constexpr std::int64_t kRowGemmMaxRows = 2;
// Below this many multiply-adds one thread does all the work (an OpenMP
// fork/join costs a few microseconds).
constexpr std::int64_t kParallelMinWork = 128 * 128 * 64;
// The in-place path (Note [in-place gemm]) takes every product below
// kSmallMaxWork multiply-adds, and larger ones whose dimensions are all at
// most kInPlaceMaxDim when reading in place steps through memory by less
// than kInPlaceMaxStrideBytes per k. Past 1024 rows and columns the packed
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
// gemm_kernel.hpp). With A not transposed the column kernel would need A
// packed with a transpose, which measured slower (128x10x256: 34 GFLOP/s);
// those shapes take the dot path instead.
constexpr std::int64_t kColumnMaxCols = 16;
constexpr std::int64_t kColumnMinRows = 16;
// C with at most this many columns and A not transposed takes the dot path
// (Note [dot kernel] in gemm_kernel.hpp). Measured (f32, one thread,
// GFLOP/s, skinny path -> dot path): 128x10x128 A B 78 -> 125, A B^T 73 ->
// 140; 128x10x256 A B 81 -> 155, A B^T 79 -> 171.
constexpr std::int64_t kDotMaxCols = 16;

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

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

// Note [skinny gemm]
// When op(B) has at most NR columns (the output layer of an MLP: N = 10),
// there is a single B panel, so every element of A is used exactly once by
// the kernel and packing A would only add a copy. We pack all of op(B) into
// one zero-padded K x NR panel and let the kernel read A in place, one
// MR-row tile at a time, over the whole of K. When N fits in one vector the
// tile is one vector wide (NB = 1), so less of each FMA is wasted on padding.
template <class T, std::int64_t NB>
void gemm_skinny(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
                 T beta, T* C, std::int64_t ldc, int threads) {
  constexpr std::int64_t MR = Tile<T, NB>::MR, NR = Tile<T, NB>::NR;
  T* b_panel = b_buffer<T>().get(K * NR);
  pack_b_panel<NR>(op, 0, K, 0, N, b_panel);
  const std::int64_t a_row_stride = op.trans_a ? 1 : op.lda;
  const std::int64_t a_col_stride = op.trans_a ? op.lda : 1;
  const std::int64_t full_tiles = M / MR;
  const auto tile = [&](std::int64_t t) {
    gemm_detail::micro_kernel<T, ALayout::Strided, NB>(K, op.A + t * MR * a_row_stride,
                                                       a_row_stride, a_col_stride, b_panel, MR,
                                                       N, alpha, beta, C + t * MR * ldc, ldc);
  };
  if (threads == 1) {  // Note [serial calls]
    for (std::int64_t t = 0; t < full_tiles; ++t) tile(t);
  } else {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (std::int64_t t = 0; t < full_tiles; ++t) tile(t);
  }
  // The last rows would make the kernel read past A; pack them (zero-padded).
  const std::int64_t i0 = full_tiles * MR;
  if (i0 < M) {
    T* a_panel = a_buffer<T>().get(MR * K);
    pack_a<MR>(op, i0, M - i0, 0, K, a_panel);
    gemm_detail::micro_kernel<T, ALayout::Packed, NB>(K, a_panel, 1, MR, b_panel, M - i0, N,
                                                      alpha, beta, C + i0 * ldc, ldc);
  }
}

// The column path (Note [column kernel]): C with at most kColumnMaxCols
// columns, built from MR-row tiles in which each register holds a piece of a
// column of C. A must be stored transposed (op(A) = A^T), so that op(A) is
// contiguous down its columns and is read in place; only the last, partial
// tile is packed into a zero-padded K x MR panel. op(B) is read in place.
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

// The dot path (Note [dot kernel] in gemm_kernel.hpp): op(A) = A, so rows
// of A are contiguous in k. Taken when C has at most kDotMaxCols columns,
// and for A B^T with fewer rows than one tile of the in-place and blocked
// paths, whose packed copy of B^T would then serve a single row tile. Each
// row of C is built in column chunks of at most kMaxCols against op(B)^T,
// an N x K matrix read row by row: B itself when trans_b, else B transposed
// into a buffer with rows zero-padded to a multiple of W (N * K values,
// small next to the M * N * K of the product). A is read in place. Each
// element's sum runs in the same W-wide steps of k for any thread count.
template <class T, std::int64_t kCols = 1>
void dot_chunk(std::int64_t cols, std::int64_t K, const T* a, const T* bt, std::int64_t ldbt,
               const T* b_tail, std::int64_t ld_tail, T alpha, T beta, T* c) {
  if constexpr (kCols < gemm_detail::DotTile<T>::kMaxCols)
    if (cols != kCols)
      return dot_chunk<T, kCols + 1>(cols, K, a, bt, ldbt, b_tail, ld_tail, alpha, beta, c);
  gemm_detail::dot_kernel<T, kCols>(K, a, bt, ldbt, b_tail, ld_tail, alpha, beta, c);
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

template <class T>
void gemm_dot(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
              T beta, T* C, std::int64_t ldc, int threads) {
  constexpr std::int64_t kMaxCols = gemm_detail::DotTile<T>::kMaxCols;
  const DotOperand<T> b = op.trans_b ? small_b_in_place(op, N, K) : transpose_small_b(op, N, K);
  const std::int64_t chunks = ceil_div(N, kMaxCols);  // of nearly equal width
  const auto row = [&](std::int64_t i) {
    for (std::int64_t ch = 0; ch < chunks; ++ch) {
      const std::int64_t j0 = N * ch / chunks, cols = N * (ch + 1) / chunks - j0;
      dot_chunk<T>(cols, K, op.A + i * op.lda, b.bt + j0 * b.ldbt, b.ldbt,
                   b.b_tail + j0 * b.ld_tail, b.ld_tail, alpha, beta, C + i * ldc + j0);
    }
  };
  if (threads == 1) {  // Note [serial calls]
    for (std::int64_t i = 0; i < M; ++i) row(i);
    return;
  }
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t i = 0; i < M; ++i) row(i);
}

// Note [row gemm]
// With one or two rows of C (a batch-1 step: x [1, 784] @ W^T), every element
// of B is used once or twice, so packing B (the blocked and skinny paths do)
// copies more memory than the arithmetic reads. Instead each row of C is
// built straight from B: a sum of rows of B (axpy) when B is row-major, a dot
// product per column when it is transposed. One thread; the order of each sum
// depends only on K. Measured: batch-1 MLP step 0.23 -> 0.1 ms.
template <class T>
void gemm_rows(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
               T beta, T* C, std::int64_t ldc) {
  for (std::int64_t i = 0; i < M; ++i) {
    T* __restrict c = C + i * ldc;
    if (!op.trans_b) {
      for (std::int64_t j = 0; j < N; ++j) c[j] = beta == T(0) ? T(0) : beta * c[j];
      for (std::int64_t k = 0; k < K; ++k) {
        const T a = alpha * op.a(i, k);
        const T* __restrict b = op.B + k * op.ldb;
        for (std::int64_t j = 0; j < N; ++j) c[j] += a * b[j];
      }
    } else {
      for (std::int64_t j = 0; j < N; ++j) {
        const T* __restrict b = op.B + j * op.ldb;
        T acc = 0;
        if (op.trans_a) {
          for (std::int64_t k = 0; k < K; ++k) acc += op.A[k * op.lda + i] * b[k];
        } else {
          const T* __restrict a = op.A + i * op.lda;
#pragma omp simd reduction(+ : acc)
          for (std::int64_t k = 0; k < K; ++k) acc += a[k] * b[k];
        }
        c[j] = beta == T(0) ? alpha * acc : alpha * acc + beta * c[j];
      }
    }
  }
}

// Note [in-place gemm]
// Packing pays when each packed block is reused many times from cache. When
// the operands already fit in L1/L2 (small products, and on this machine
// anything up to 1024 in every dimension: kInPlaceMaxDim) the copies cost
// more than they save: for 64^3 the packed copies of A and B take about as
// many loads and stores as the kernel spends cycles on the arithmetic. So
// the in-place path packs nothing it does not have to: the MR x NR tile reads
// A in place (broadcasts through row pointers, as in Note [skinny gemm])
// and B in place (row k of B holds the NR columns of a panel contiguously),
// over all of K at once, and the last rows of C get a tile exactly as tall
// as they are instead of a zero-padded copy of A. Only panels of op(B) that
// cannot be read in place are packed: all of them when B is stored
// transposed, and the last, partial panel (reading it in place would run
// past the end of B's rows). Panels are up to four vectors wide (6 x 64
// tiles with AVX-512: 10 loads and broadcasts per 24 FMAs, where 12 x 32
// needs 14), and the last columns take the narrowest tile that covers them; measured
// against two-vector panels only (same run): 48^3 219 -> 234, 64^3 233 ->
// 244, 96^3 250 -> 255. Measured (f32, one thread, GFLOP/s, blocked or skinny
// path -> in-place path; OpenBLAS SkylakeX kernels in the same run):
//   A B 48^3 94 -> 216 (228), 64^3 151 -> 228 (252), 80^3 136 -> 235 (237),
//   96^3 191 -> 244 (257), 128^3 194 -> 251 (216), 512^3 224 -> 256 (246);
//   64^3 A B^T 120 -> 157 (166), A^T B 156 -> 231 (254);
//   MLP 128x256x784 A B 201 -> 256 (219), A B^T 200 -> 245 (210).
template <class T, std::int64_t NB, std::int64_t MR = 1>
void in_place_tile(std::int64_t m, const Operands<T>& op, std::int64_t i0, std::int64_t K,
                   const T* b, std::int64_t ldb, std::int64_t n, T alpha, T beta, T* c,
                   std::int64_t ldc) {
  if constexpr (MR < gemm_detail::InPlaceTile<T, NB>::MR)
    if (m != MR)
      return in_place_tile<T, NB, MR + 1>(m, op, i0, K, b, ldb, n, alpha, beta, c, ldc);
  const std::int64_t a_row_stride = op.trans_a ? 1 : op.lda, a_col_stride = op.trans_a ? op.lda : 1;
  gemm_detail::in_place_kernel<T, MR, NB>(K, op.A + i0 * a_row_stride, a_row_stride,
                                          a_col_stride, b, ldb, n, alpha, beta, c, ldc);
}

// Rows [i_begin, i_end) of a panel of C (columns from c on), in tiles NB
// vectors wide; the last tile is exactly as tall as the rows left.
template <class T, std::int64_t NB>
void in_place_rows(const Operands<T>& op, std::int64_t i_begin, std::int64_t i_end,
                   std::int64_t K, const T* b, std::int64_t ldb, std::int64_t n, T alpha, T beta,
                   T* c, std::int64_t ldc) {
  constexpr std::int64_t MR = gemm_detail::InPlaceTile<T, NB>::MR;
  for (std::int64_t i0 = i_begin; i0 < i_end; i0 += MR)
    in_place_tile<T, NB>(std::min(MR, i_end - i0), op, i0, K, b, ldb, n, alpha, beta,
                         c + i0 * ldc, ldc);
}

// Packs columns [j0, j0 + n) of op(B), all K rows, zero-padded to `vectors` vectors.
template <class T, std::int64_t NB = 1>
void pack_b_vectors(std::int64_t vectors, const Operands<T>& op, std::int64_t K, std::int64_t j0,
                    std::int64_t n, T* out) {
  if constexpr (NB < gemm_detail::InPlaceTile<T>::kMaxVectors)
    if (vectors != NB) return pack_b_vectors<T, NB + 1>(vectors, op, K, j0, n, out);
  pack_b_panel<NB * Tile<T, 1>::NR>(op, 0, K, j0, n, out);
}

// A panel of n columns with the narrowest tile that covers them (vectors = ceil(n / W)).
template <class T, std::int64_t NB = 1>
void in_place_panel(std::int64_t vectors, const Operands<T>& op, std::int64_t i_begin,
                    std::int64_t i_end, std::int64_t K, const T* b, std::int64_t ldb,
                    std::int64_t n, T alpha, T beta, T* c, std::int64_t ldc) {
  if constexpr (NB < gemm_detail::InPlaceTile<T>::kMaxVectors)
    if (vectors != NB)
      return in_place_panel<T, NB + 1>(vectors, op, i_begin, i_end, K, b, ldb, n, alpha, beta, c,
                                       ldc);
  in_place_rows<T, NB>(op, i_begin, i_end, K, b, ldb, n, alpha, beta, c, ldc);
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

// Panels of op(B) NR = kMaxVectors * W columns wide (the last one with the
// narrowest tile that covers it), in row blocks of kRowBlock rows (whole
// tiles of every height). Panels that cannot be read in place
// are packed first, all at once, by the calling thread; then the threads
// share out whole panels or whole row blocks (the longer side), with no
// further synchronisation. Every element is one kernel call over all of K,
// so the result does not depend on the number of threads or on the tiles.
template <class T>
void gemm_in_place(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K,
                   T alpha, T beta, T* C, std::int64_t ldc, int threads) {
  using gemm_detail::InPlaceTile;
  constexpr std::int64_t W = Tile<T, 1>::NR, NR = InPlaceTile<T>::kMaxVectors * W;
  constexpr std::int64_t kRowBlock = 24;
  static_assert(kRowBlock % InPlaceTile<T, 1>::MR == 0 && kRowBlock % InPlaceTile<T, 2>::MR == 0 &&
                    kRowBlock % InPlaceTile<T, 3>::MR == 0 &&
                    kRowBlock % InPlaceTile<T, 4>::MR == 0,
                "a row block holds whole tiles of every width");
  const std::int64_t panels = ceil_div(N, NR), row_blocks = ceil_div(M, kRowBlock);
  // Panels [first_packed, panels) are packed: all for B^T, else the last if
  // its width is not a whole number of vectors.
  const std::int64_t first_packed = op.trans_b ? 0 : N % W == 0 ? panels : panels - 1;
  T* packed = b_buffer<T>().get(std::max<std::int64_t>(1, (panels - first_packed) * NR * K));
  for (std::int64_t p = first_packed; p < panels; ++p) {
    const std::int64_t n = std::min(NR, N - p * NR);
    pack_b_vectors<T>(ceil_div(n, W), op, K, p * NR, n, packed + (p - first_packed) * NR * K);
  }
  // Panels [p_begin, p_end) for row blocks [r_begin, r_end).
  const auto run = [&](std::int64_t p_begin, std::int64_t p_end, std::int64_t r_begin,
                       std::int64_t r_end) {
    const std::int64_t i_begin = r_begin * kRowBlock, i_end = std::min(M, r_end * kRowBlock);
    for (std::int64_t p = p_begin; p < p_end; ++p) {
      const std::int64_t j0 = p * NR, n = std::min(NR, N - j0);
      const bool in_place = p < first_packed;
      const T* b = in_place ? op.B + j0 : packed + (p - first_packed) * NR * K;
      const std::int64_t ldb = in_place ? op.ldb : ceil_div(n, W) * W;
      in_place_panel<T>(ceil_div(n, W), op, i_begin, i_end, K, b, ldb, n, alpha, beta, C + j0,
                        ldc);
    }
  };
  const bool split_panels = panels >= row_blocks;
  const std::int64_t parts = std::min<std::int64_t>(threads, split_panels ? panels : row_blocks);
  if (parts == 1) {  // Note [serial calls]
    run(0, panels, 0, row_blocks);
    return;
  }
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t part = 0; part < parts; ++part) {
    const std::int64_t units = split_panels ? panels : row_blocks;
    const std::int64_t first = units * part / parts, last = units * (part + 1) / parts;
    if (split_panels)
      run(first, last, 0, row_blocks);
    else
      run(0, panels, first, last);
  }
}

// The ic/jr/ir loops (Note [gemm blocking]) for rows [i0, i0 + mc) against
// a packed B block of nc columns starting at column j0.
template <class T>
void gemm_block(const Operands<T>& op, std::int64_t i0, std::int64_t mc, std::int64_t p0,
                std::int64_t kc, std::int64_t j0, std::int64_t nc, const T* b_block, T alpha,
                T beta, T* C, std::int64_t ldc) {
  constexpr std::int64_t MR = Tile<T>::MR, NR = Tile<T>::NR;
  T* a_block = a_buffer<T>().get(ceil_div(mc, MR) * MR * kc);
  pack_a<MR>(op, i0, mc, p0, kc, a_block);
  for (std::int64_t jr = 0; jr < nc; jr += NR) {
    const std::int64_t n = std::min(NR, nc - jr);
    for (std::int64_t ir = 0; ir < mc; ir += MR) {
      const std::int64_t m = std::min(MR, mc - ir);
      gemm_detail::micro_kernel<T, ALayout::Packed>(kc, a_block + ir * kc, 1, MR,
                                                    b_block + jr * kc, m, n, alpha, beta,
                                                    C + (i0 + ir) * ldc + j0 + jr, ldc);
    }
  }
}

// The blocked algorithm (Note [gemm blocking]) on one thread, for the part
// of C with rows [i_begin, i_end) and columns [j_begin, j_end).
template <class T>
void gemm_blocked_part(const Operands<T>& op, std::int64_t i_begin, std::int64_t i_end,
                       std::int64_t j_begin, std::int64_t j_end, std::int64_t K, T alpha,
                       T beta, T* C, std::int64_t ldc) {
  constexpr std::int64_t NR = Tile<T>::NR;
  constexpr std::int64_t KC = Blocking<T>::KC, MC = Blocking<T>::MC, NC = Blocking<T>::NC;
  for (std::int64_t j0 = j_begin; j0 < j_end; j0 += NC) {
    const std::int64_t nc = std::min(NC, j_end - j0);
    for (std::int64_t p0 = 0; p0 < K; p0 += KC) {
      const std::int64_t kc = std::min(KC, K - p0);
      const T beta_step = p0 == 0 ? beta : T(1);  // later steps add to what is there
      T* b_block = b_buffer<T>().get(ceil_div(nc, NR) * NR * kc);
      for (std::int64_t jr = 0; jr < nc; jr += NR)
        pack_b_panel<NR>(op, p0, kc, j0 + jr, std::min(NR, nc - jr), b_block + jr * kc);
      for (std::int64_t i0 = i_begin; i0 < i_end; i0 += MC)
        gemm_block(op, i0, std::min(MC, i_end - i0), p0, kc, j0, nc, b_block, alpha, beta_step,
                   C, ldc);
    }
  }
}

// Note [gemm threads]
// C is cut into one part per thread along its longer side (counted in
// tiles), at tile boundaries, and each thread runs the whole blocked
// algorithm on its part, packing its own panels. Threads never wait for each
// other inside a call (one fork, one join), which matters on a busy machine
// where a barrier can cost a scheduler time slice; the price is that each
// thread packs the shared operand again, about 1/N (or 1/M) of the work.
// Every C element belongs to one part, and its k-order (KC steps, then k
// inside the kernel) is the same for any number of threads.
template <class T>
void gemm_blocked(const Operands<T>& op, std::int64_t M, std::int64_t N, std::int64_t K, T alpha,
                  T beta, T* C, std::int64_t ldc, int threads) {
  constexpr std::int64_t MR = Tile<T>::MR, NR = Tile<T>::NR;
  const std::int64_t row_tiles = ceil_div(M, MR), col_tiles = ceil_div(N, NR);
  const bool split_columns = col_tiles >= row_tiles;
  const std::int64_t tiles = split_columns ? col_tiles : row_tiles;
  const std::int64_t parts = std::min<std::int64_t>(threads, tiles);
  if (parts == 1) {  // Note [serial calls]
    gemm_blocked_part(op, 0, M, 0, N, K, alpha, beta, C, ldc);
    return;
  }
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t part = 0; part < parts; ++part) {
    const std::int64_t first = tiles * part / parts, last = tiles * (part + 1) / parts;
    if (split_columns)
      gemm_blocked_part(op, 0, M, first * NR, std::min(N, last * NR), K, alpha, beta, C, ldc);
    else
      gemm_blocked_part(op, first * MR, std::min(M, last * MR), 0, N, K, alpha, beta, C, ldc);
  }
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
