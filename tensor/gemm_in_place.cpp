#include "tensor/gemm_detail.hpp"

#include <algorithm>
#include <cstdint>

#include "tensor/gemm_kernel.hpp"

namespace tg::gemm_detail {

namespace {

// Note [in-place gemm]
// Packing pays when each packed block is reused many times from cache. When the
// operands already fit in L1/L2 (small products, and on this machine anything
// up to 1024 in every dimension: kInPlaceMaxDim in gemm.cpp) the copies cost
// more than they save: for 64^3 the packed copies of A and B take about as many
// loads and stores as the kernel spends cycles on the arithmetic. So the
// in-place path packs nothing it does not have to: the MR x NR tile reads A in
// place (broadcasts through row pointers, as in Note [skinny gemm] in
// gemm_blocked.cpp) and B in place (row k of B holds the NR columns of a panel
// contiguously), over all of K at once, and the last rows of C get a tile
// exactly as tall as they are instead of a zero-padded copy of A. Only panels
// of op(B) that cannot be read in place are packed: all of them when B is
// stored transposed, and the last, partial panel (reading it in place would run
// past the end of B's rows). Panels are up to four vectors wide (6 x 64 tiles
// with AVX-512: 10 loads and broadcasts per 24 FMAs, where 12 x 32 needs 14),
// and the last columns take the narrowest tile that covers them; measured
// against two-vector panels only (same run): 48^3 219 -> 234, 64^3 233 -> 244,
// 96^3 250 -> 255. Measured (f32, one thread, GFLOP/s, blocked or skinny path
// -> in-place path; OpenBLAS SkylakeX kernels in the same run):
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

}  // namespace

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

template void gemm_in_place<float>(const Operands<float>&, std::int64_t, std::int64_t, std::int64_t,
                                   float, float, float*, std::int64_t, int);
template void gemm_in_place<double>(const Operands<double>&, std::int64_t, std::int64_t,
                                    std::int64_t, double, double, double*, std::int64_t, int);

}  // namespace tg::gemm_detail
