#include "tensor/gemm_detail.hpp"

#include <algorithm>
#include <cstdint>

#include "tensor/gemm_kernel.hpp"

namespace tg::gemm_detail {

namespace {

// Note [gemm blocking]
// Loop nest of the Goto/BLIS algorithm, outermost first:
//   jc: NC columns of C and B        B block (KC x NC) packed once, lives in L3
//   pc: KC steps of the sum          later steps add to C (beta = 1)
//   ic: MC rows of C and A           A block (MC x KC) packed, lives in L2
//   jr: NR-wide panels of B          B micro-panel (KC x NR) stays in L1 across ir
//   ir: MR-tall panels of A          the micro-kernel: an MR x NR tile in registers
// KC is chosen so that one B micro-panel (KC * NR elements) takes 64 KiB, more
// than this machine's 48 KiB L1: the panel streams from L2 at the kernel's
// pace, and the longer k loop halves how often each MR x NR tile of C is
// loaded and stored. Against 32 KiB panels (KC = 256 f32) it measured 2048^3
// 201-204 -> 219-224 GFLOP/s, 1024^3 the same within noise (219-230 either
// way; one thread, A B, a standalone loop of tg::gemm). MC makes the A block
// about 384 KiB of the 1 MiB L2. The sizes are in bytes, so f64 gets half the
// elements.
template <class T>
struct Blocking {
  static constexpr std::int64_t KC = 65536 / (Tile<T>::NR * static_cast<std::int64_t>(sizeof(T)));
  static constexpr std::int64_t MC =
      (393216 / (KC * static_cast<std::int64_t>(sizeof(T)))) / Tile<T>::MR * Tile<T>::MR;
  static constexpr std::int64_t NC = 4096;
};

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

}  // namespace

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

template void gemm_blocked<float>(const Operands<float>&, std::int64_t, std::int64_t, std::int64_t,
                                  float, float, float*, std::int64_t, int);
template void gemm_blocked<double>(const Operands<double>&, std::int64_t, std::int64_t,
                                   std::int64_t, double, double, double*, std::int64_t, int);
template void gemm_skinny<float, 1>(const Operands<float>&, std::int64_t, std::int64_t,
                                    std::int64_t, float, float, float*, std::int64_t, int);
template void gemm_skinny<float, 2>(const Operands<float>&, std::int64_t, std::int64_t,
                                    std::int64_t, float, float, float*, std::int64_t, int);
template void gemm_skinny<double, 1>(const Operands<double>&, std::int64_t, std::int64_t,
                                     std::int64_t, double, double, double*, std::int64_t, int);
template void gemm_skinny<double, 2>(const Operands<double>&, std::int64_t, std::int64_t,
                                     std::int64_t, double, double, double*, std::int64_t, int);

}  // namespace tg::gemm_detail
