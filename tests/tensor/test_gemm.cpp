// Tests for the blocked GEMM (tensor/gemm.hpp): every result is compared with
// gemm_reference, the textbook triple loop accumulated in double, over shapes
// that hit each edge of the blocking (partial MR x NR tiles, several KC and MC
// blocks, the skinny and naive paths), all four transpose combinations,
// alpha/beta, padded leading dimensions, and thread-count independence.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "tensor/gemm.hpp"
#include "tensor/gemm_dot_kernel.hpp"
#include "tensor/gemm_simd.hpp"
#include "tensor/parallel.hpp"
#include "tensor/random.hpp"

namespace {

// The tile shape the library uses (mirrors tensor/gemm_kernel.hpp: NR is two
// vectors, MR is 12 with 32 vector registers, 6 otherwise).
template <class T>
constexpr std::int64_t kNR = 2 * static_cast<std::int64_t>(xsimd::batch<T>::size);
template <class T>
constexpr std::int64_t kMR = sizeof(xsimd::batch<T>) >= 64 ? 12 : 6;

// Uniform values in [-1, 1) from a seeded generator, deterministic per seed.
template <class T>
std::vector<T> random_values(std::int64_t n, std::uint64_t seed) {
  tg::Generator gen(seed);
  std::vector<T> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v[i] = static_cast<T>(2 * gen.uniform01(i) - 1);
  return v;
}

struct Case {
  bool trans_a = false, trans_b = false;
  std::int64_t M = 1, N = 1, K = 1;
  double alpha = 1, beta = 0;
  std::int64_t pad = 0;  // extra elements at the end of every row (lda, ldb, ldc > width)
};

std::string describe(const Case& c) {
  return std::string(c.trans_a ? "T" : "N") + (c.trans_b ? "T" : "N") + " M=" +
         std::to_string(c.M) + " N=" + std::to_string(c.N) + " K=" + std::to_string(c.K) +
         " alpha=" + std::to_string(c.alpha) + " beta=" + std::to_string(c.beta) +
         " pad=" + std::to_string(c.pad);
}

// Runs gemm and gemm_reference on the same random data; returns the largest
// error relative to the tolerance (<= 1 passes). Both outputs start from the
// same C (NaN when beta == 0, which must never be read).
template <class T>
double gemm_error_ratio(const Case& c, std::uint64_t seed = 1) {
  // Memory shapes: A is M x K (K x M if transposed), B is K x N (N x K).
  const std::int64_t a_rows = c.trans_a ? c.K : c.M, a_cols = c.trans_a ? c.M : c.K;
  const std::int64_t b_rows = c.trans_b ? c.N : c.K, b_cols = c.trans_b ? c.K : c.N;
  const std::int64_t lda = a_cols + c.pad, ldb = b_cols + c.pad, ldc = c.N + c.pad;
  const auto A = random_values<T>(a_rows * lda, seed);
  const auto B = random_values<T>(b_rows * ldb, seed + 1);
  std::vector<T> C = random_values<T>(c.M * ldc, seed + 2);
  if (c.beta == 0)
    for (T& x : C) x = std::numeric_limits<T>::quiet_NaN();
  std::vector<T> expected = C;
  tg::gemm(c.trans_a, c.trans_b, c.M, c.N, c.K, T(c.alpha), A.data(), lda, B.data(), ldb,
           T(c.beta), C.data(), ldc);
  tg::gemm_reference<T>(c.trans_a, c.trans_b, c.M, c.N, c.K, T(c.alpha), A.data(), lda,
                        B.data(), ldb, T(c.beta), expected.data(), ldc);
  // Values are O(1), so a sum of K products has rounding error ~ eps * K.
  const double eps = std::numeric_limits<T>::epsilon();
  const double tol = 4 * eps * static_cast<double>(c.K + 4) * (std::abs(c.alpha) + 1);
  double worst = 0;
  for (std::int64_t i = 0; i < c.M; ++i)
    for (std::int64_t j = 0; j < c.N; ++j) {
      const double got = C[i * ldc + j], want = expected[i * ldc + j];
      if (std::isnan(got)) return std::numeric_limits<double>::infinity();
      worst = std::max(worst, std::abs(got - want) / tol);
    }
  // The padding between rows of C must be left alone.
  for (std::int64_t i = 0; i < c.M; ++i)
    for (std::int64_t j = c.N; j < ldc; ++j) {
      const T got = C[i * ldc + j], want = expected[i * ldc + j];
      if (!(got == want || (std::isnan(got) && std::isnan(want))))
        return std::numeric_limits<double>::infinity();
    }
  return worst;
}

template <class T>
void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO(describe(c));
    CHECK(gemm_error_ratio<T>(c) <= 1.0);
  }
}

// Sizes 1 .. 2*tile+1 in each dimension, the four transpose combinations.
template <class T>
std::vector<Case> edge_cases() {
  std::vector<Case> cases;
  const std::int64_t mr = kMR<T>, nr = kNR<T>;
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (std::int64_t M = 1; M <= 2 * mr + 1; ++M)
        for (std::int64_t N : {std::int64_t{1}, nr - 1, nr, nr + 1, 2 * nr + 1, 3 * nr - 1})
          for (std::int64_t K : {1, 7, 33})
            cases.push_back({ta, tb, M, N, K, 1.0, 0.0, 0});
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (std::int64_t N = 1; N <= 2 * nr + 1; ++N)
        cases.push_back({ta, tb, 2 * mr + 3, N, 19, 1.0, 0.0, 0});
  return cases;
}

// Shapes that cross the cache blocks: K past one KC step (512 f32 / 512 f64
// with AVX-512, up to 2048 with SSE2), M past one MC block, N past the skinny limit.
// A dimension above 1024 keeps a product off the in-place path (gemm.cpp).
std::vector<Case> blocking_cases() {
  std::vector<Case> cases;
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      cases.push_back({ta, tb, 67, 45, 1100, 1.0, 0.0, 0});    // several KC steps
      cases.push_back({ta, tb, 300, 70, 260, 1.0, 0.0, 0});    // in place
      cases.push_back({ta, tb, 400, 70, 1100, 1.0, 0.0, 0});   // several MC blocks and KC steps
      cases.push_back({ta, tb, 129, 10, 300, 1.0, 0.0, 0});    // skinny N
      cases.push_back({ta, tb, 40, 33, 2100, 1.0, 0.0, 0});
      cases.push_back({ta, tb, 5, 6, 7, 1.0, 0.0, 0});         // naive
      cases.push_back({ta, tb, 3, 5, 20000, 1.0, 0.0, 0});     // skinny N, K too long to pack at once
    }
  return cases;
}

}  // namespace

TEST_CASE("gemm: f32 matches the reference at every tile edge") {
  check_cases<float>(edge_cases<float>());
}

TEST_CASE("gemm: f64 matches the reference at every tile edge") {
  check_cases<double>(edge_cases<double>());
}

TEST_CASE("gemm: shapes that cross the KC, MC and skinny boundaries") {
  check_cases<float>(blocking_cases());
  check_cases<double>(blocking_cases());
}

TEST_CASE("gemm: alpha, beta and leading dimensions larger than the width") {
  std::vector<Case> cases;
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (double alpha : {1.0, -0.5, 2.0})
        for (double beta : {0.0, 1.0, 0.25})
          for (std::int64_t pad : {0, 3})
            for (auto [M, N, K] : {std::array<std::int64_t, 3>{37, 71, 45}, {13, 9, 300},
                                   {3, 4, 5}, {64, 64, 64}})
              cases.push_back({ta, tb, M, N, K, alpha, beta, pad});
  check_cases<float>(cases);
  check_cases<double>(cases);
}

// The column path (Note [column kernel] in tensor/gemm_column_kernel.hpp): A stored
// transposed, N <= 16, M >= 16; tiles of 4 vectors of rows with 32 vector
// registers, 2 otherwise. Shapes at and around those limits, the partial last
// tile, column chunks of every width, both layouts of B, alpha, beta and padding.
template <class T>
std::vector<Case> column_cases() {
  constexpr std::int64_t W = static_cast<std::int64_t>(xsimd::batch<T>::size);
  constexpr std::int64_t mr = (sizeof(xsimd::batch<T>) >= 64 ? 4 : 2) * W;
  std::vector<Case> cases;
  for (bool tb : {false, true})
    for (std::int64_t M : {std::int64_t{1}, std::int64_t{2}, std::int64_t{3}, std::int64_t{15},
                           std::int64_t{16}, std::int64_t{17}, mr - 1, mr, mr + 1, 2 * mr + 3})
      for (std::int64_t N : {1, 2, 5, 6, 7, 9, 10, 12, 13, 16, 17})
        for (std::int64_t K : {1, 4, 37, 300})
          for (double beta : {0.0, 0.5})
            cases.push_back({true, tb, M, N, K, beta == 0 ? 1.0 : -0.5, beta, beta == 0 ? 0 : 3});
  return cases;
}

TEST_CASE("gemm: the column path for A^T B with few columns") {
  check_cases<float>(column_cases<float>());
  check_cases<double>(column_cases<double>());
}

// The dot path (Note [dot kernel] in tensor/gemm_dot_kernel.hpp): A stored row by
// row, N <= 16, M >= 3 (M <= 2 takes the row path); two rows of C per tile
// where they fit the registers, the last odd row alone (M = 3 ... 7, 29),
// columns in chunks of at most 14 (6 without AVX-512). K around multiples of
// the vector width W exercises the zero-padded last step; N = 17 is the first
// width past the path. Both layouts of B, alpha, beta and padding.
template <class T>
std::vector<Case> dot_cases() {
  constexpr std::int64_t W = static_cast<std::int64_t>(xsimd::batch<T>::size);
  std::vector<Case> cases;
  for (bool tb : {false, true})
    for (std::int64_t M : {3, 4, 5, 6, 7, 29})
      for (std::int64_t N = 1; N <= 17; ++N)
        for (std::int64_t K : {std::int64_t{1}, W - 1, W, W + 1, 2 * W + 3, std::int64_t{300}})
          for (double beta : {0.0, 0.5})
            cases.push_back({false, tb, M, N, K, beta == 0 ? 1.0 : -0.5, beta, beta == 0 ? 0 : 3});
  // A B^T with fewer rows than one tile also takes the dot path, for any N.
  for (std::int64_t M : {std::int64_t{3}, kMR<T> - 1, kMR<T>})
    for (std::int64_t N : {17, 40, 100})
      for (std::int64_t K : {std::int64_t{5}, W, 3 * W + 1, std::int64_t{500}})
        cases.push_back({false, true, M, N, K, 1.0, 0.0, 2});
  return cases;
}

TEST_CASE("gemm: the dot path for A B and A B^T with few columns") {
  check_cases<float>(dot_cases<float>());
  check_cases<double>(dot_cases<double>());
}

// A row of C comes out the same whether the dot path builds it in a tile of
// two rows or alone (the last row of an odd M): same operations, same order.
// 31 rows keep every case above the naive path's size.
template <class T>
void check_dot_rows_agree(bool trans_b, std::int64_t N, std::int64_t K) {
  const auto A = random_values<T>(32 * K, 5);
  const auto B = random_values<T>(K * N, 6);
  const std::int64_t ldb = trans_b ? K : N;
  std::vector<T> tiled(32 * N), alone(31 * N);
  tg::gemm(false, trans_b, 32, N, K, T(1), A.data(), K, B.data(), ldb, T(0), tiled.data(), N);
  tg::gemm(false, trans_b, 31, N, K, T(1), A.data(), K, B.data(), ldb, T(0), alone.data(), N);
  for (std::int64_t j = 0; j < N; ++j) CHECK(tiled[30 * N + j] == alone[30 * N + j]);
}

TEST_CASE("gemm: the dot path gives a row the same bits in a tile or alone") {
  for (bool tb : {false, true})
    for (std::int64_t N : {1, 5, 10, 16})
      for (std::int64_t K : {140, 301}) {
        INFO(tb, " N=", N, " K=", K);
        check_dot_rows_agree<float>(tb, N, K);
        check_dot_rows_agree<double>(tb, N, K);
      }
}

// lane_sums (Note [lane sums]) is the horizontal reduction of the dot path:
// n vectors folded into one, the sum of vector l in lane l. Small integers
// sum exactly, so every lane l < n must equal its input's sum exactly and in
// order, for every n from 1 to W (the folds without a partner).
template <class T, int n>
void check_lane_sums() {
  using Batch = xsimd::batch<T>;
  constexpr std::size_t W = Batch::size;
  alignas(64) T values[W][W];
  for (std::size_t v = 0; v < W; ++v)
    for (std::size_t l = 0; l < W; ++l) values[v][l] = static_cast<T>((v * 7 + l * l) % 13) - 6;
  Batch rows[W];
  for (std::size_t v = 0; v < W; ++v) rows[v] = Batch::load_aligned(values[v]);
  alignas(64) T sums[W];
  tg::gemm_detail::lane_sums<T, n>(rows).store_aligned(sums);
  for (std::size_t v = 0; v < static_cast<std::size_t>(n); ++v) {
    T want = 0;
    for (std::size_t l = 0; l < W; ++l) want += values[v][l];
    INFO("n = ", n, ", vector ", v);
    CHECK(sums[v] == want);
  }
  if constexpr (n < static_cast<int>(W)) check_lane_sums<T, n + 1>();
}

TEST_CASE("gemm: lane_sums returns the sum of vector l in lane l") {
  check_lane_sums<float, 1>();
  check_lane_sums<double, 1>();
}

// The in-place path (Note [in-place gemm] in tensor/gemm_in_place.cpp): N > 16, under
// 128*128*64 multiply-adds or up to 1024 in every dimension; nothing packed
// but the panels of B that cannot be read in place. Tile heights around 6, 8
// and 12 rows (the last rows of C), panels one to four vectors wide, whole
// and partial (packed) vectors, B in place with ldb > N, B stored transposed
// (always packed), alpha and beta.
template <class T>
std::vector<Case> in_place_cases() {
  constexpr std::int64_t W = static_cast<std::int64_t>(xsimd::batch<T>::size);
  const std::int64_t nr = kNR<T>, mr = kMR<T>;
  std::vector<Case> cases;
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (std::int64_t M : {std::int64_t{3}, std::int64_t{5}, std::int64_t{7}, mr - 1, mr,
                             mr + 1, 2 * mr + 5, std::int64_t{64}})
        for (std::int64_t N : {std::int64_t{17}, W + 1, nr - 1, nr, nr + 1, 3 * W - 1, 3 * W,
                               4 * W, 4 * W + 1, 5 * W - 3, 9 * W})
          for (std::int64_t K : {1, 9, 64, 130})
            for (double beta : {0.0, 0.5}) {
              if (N <= 16) continue;  // the dot and column paths
              cases.push_back({ta, tb, M, N, K, beta == 0 ? 1.0 : 2.0, beta, beta == 0 ? 0 : 5});
            }
  // Past 128*128*64 multiply-adds, inside and just outside the in-place
  // bounds (every dimension <= 1024, lda or ldb under 4 KiB per step of k).
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (auto [M, N, K] : {std::array<std::int64_t, 3>{200, 100, 110}, {37, 500, 129},
                             {30, 40, 1025}, {1030, 20, 100}})
        cases.push_back({ta, tb, M, N, K, 1.0, 0.5, 1});
  return cases;
}

TEST_CASE("gemm: the in-place path reads A and B where they are") {
  check_cases<float>(in_place_cases<float>());
  check_cases<double>(in_place_cases<double>());
}

// transpose_block (Note [block transpose]) packs B^T for A B^T; the GEMM
// tests reach it through every trans_b shape with 16+ columns, and this
// checks it alone, for the vector width of the build and for 4 lanes, with
// row strides wider than the block on both sides.
template <class T, int W>
void check_transpose_block() {
  const std::int64_t lds = W + 3, ldd = W + 5;
  std::vector<T> src(W * lds), dst(W * ldd, T(-1));
  for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<T>(i);
  tg::gemm_detail::transpose_block<T, W>(src.data(), lds, dst.data(), ldd);
  for (std::int64_t i = 0; i < W; ++i)
    for (std::int64_t j = 0; j < ldd; ++j) {
      INFO("W=", W, " i=", i, " j=", j);
      CHECK(dst[i * ldd + j] == (j < W ? src[j * lds + i] : T(-1)));  // padding untouched
    }
}

TEST_CASE("gemm: transpose_block transposes a W x W block") {
  check_transpose_block<float, static_cast<int>(xsimd::batch<float>::size)>();
  check_transpose_block<double, static_cast<int>(xsimd::batch<double>::size)>();
  check_transpose_block<float, 4>();
  check_transpose_block<double, 2>();
}

TEST_CASE("gemm: beta = 0 never reads C (NaN in C does not leak)") {
  // gemm_error_ratio fills C with NaN whenever beta == 0; any NaN read shows up.
  for (auto [M, N, K] : {std::array<std::int64_t, 3>{2, 3, 4}, {50, 10, 30}, {100, 90, 300}}) {
    INFO(M, "x", N, "x", K);
    CHECK(gemm_error_ratio<float>({false, false, M, N, K, 1.0, 0.0, 2}) <= 1.0);
    CHECK(gemm_error_ratio<double>({true, true, M, N, K, 1.0, 0.0, 2}) <= 1.0);
  }
}

TEST_CASE("gemm: K = 0 or alpha = 0 only scales C") {
  std::vector<float> A(12, 1), B(12, 1), C(6, 2);
  tg::gemm(false, false, 2, 3, 0, 1.0f, A.data(), 1, B.data(), 3, 0.5f, C.data(), 3);
  CHECK(C == std::vector<float>(6, 1.0f));
  tg::gemm(false, false, 2, 3, 4, 0.0f, A.data(), 4, B.data(), 3, 3.0f, C.data(), 3);
  CHECK(C == std::vector<float>(6, 3.0f));
  std::vector<float> nan_c(6, std::numeric_limits<float>::quiet_NaN());
  tg::gemm(false, false, 2, 3, 0, 1.0f, A.data(), 1, B.data(), 3, 0.0f, nan_c.data(), 3);
  CHECK(nan_c == std::vector<float>(6, 0.0f));
}

TEST_CASE("gemm: results are bitwise identical for 1 and 2 threads") {
  const int saved = tg::get_num_threads();
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (auto [M, N, K] : {std::array<std::int64_t, 3>{300, 200, 530}, {512, 10, 784},
                             {13, 500, 300}, {257, 33, 129}, {200, 10, 300},
                             {64, 16, 50}, {20, 600, 200}, {600, 40, 100},
                             {333, 13, 301}}) {
        INFO(ta, tb, " ", M, "x", N, "x", K);
        const auto A = random_values<float>(M * K, 3);
        const auto B = random_values<float>(K * N, 4);
        const std::int64_t lda = ta ? M : K, ldb = tb ? K : N;
        std::vector<float> one(M * N), two(M * N);
        tg::set_num_threads(1);
        tg::gemm(ta, tb, M, N, K, 1.0f, A.data(), lda, B.data(), ldb, 0.0f, one.data(), N);
        tg::set_num_threads(2);
        tg::gemm(ta, tb, M, N, K, 1.0f, A.data(), lda, B.data(), ldb, 0.0f, two.data(), N);
        CHECK(one == two);
      }
  tg::set_num_threads(saved);
}
