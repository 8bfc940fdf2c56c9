// tensor/reduce_kernels.hpp — the inner loops of the reductions (internal).
//
// Shared by reduce.cpp and softmax.cpp, and included by the tests that compare
// every SIMD kernel with its scalar twin. Not part of the public API.
//
// A reduction is described by an *op*: an identity and a `combine` that works
// on scalars and on xsimd batches alike (Sum, Max, Min below). Every kernel is
// written once over the op.
//
// Note [deterministic sums]
// A contiguous run of n values is cut into leaves of kLeaf values (the last
// may be shorter). A leaf is reduced with 4 SIMD accumulators of W lanes each,
// which are then combined in a fixed order. Leaves are combined pairwise: the
// leaf range [lo, hi) splits at its midpoint, recursively. The tree depends
// only on n, so the result is bitwise the same whether the leaves were
// computed by one thread or many; and the rounding error of an f32 sum grows
// like log2(n / kLeaf) instead of n (Higham, "Accuracy and Stability of
// Numerical Algorithms", §4.2).
//
// Columns (a reduction down the rows of a matrix) use the same idea with
// leaves of kLeafRows whole rows, see reduce_columns.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "tensor/parallel.hpp"

namespace tg::kernels {

/// Values per leaf of the pairwise tree (see Note [deterministic sums]).
inline constexpr std::int64_t kLeaf = 1024;
/// A row with more leaves than this is reduced by several threads.
inline constexpr std::int64_t kParallelLeaves = 64;
/// Rows per leaf when reducing down the columns of a matrix.
inline constexpr std::int64_t kLeafRows = 64;
/// Columns per task when reducing down the columns of a matrix: the strip of
/// partial results (kColumnChunk values per tree level) stays in L1.
inline constexpr std::int64_t kColumnChunk = 512;

/// True for NaN, false for every integer (x != x is the portable test).
template <class T> bool is_nan(T x) { return x != x; }

// --- ops ----------------------------------------------------------------------

template <class T> struct Sum {
  static T identity() { return T(0); }
  template <class V> static V combine(V a, V b) { return a + b; }
};

// Note [NaN in max/min]
// `a > b ? a : b` would drop a NaN in `b`. We keep `a` only when it wins or is
// itself NaN, so once a NaN is seen it stays: max([1, NaN, 3]) = NaN, as in
// NumPy. The batch version spells the same test lane by lane.
template <class T> struct Max {
  static T identity() {
    if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
    else return std::numeric_limits<T>::lowest();
  }
  static bool better(T a, T b) { return a > b; }
  static T combine(T a, T b) { return (better(a, b) || is_nan(a)) ? a : b; }
  template <class A> static xsimd::batch<T, A> combine(xsimd::batch<T, A> a, xsimd::batch<T, A> b) {
    return xsimd::select((a > b) | xsimd::isnan(a), a, b);
  }
};

template <class T> struct Min {
  static T identity() {
    if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
    else return std::numeric_limits<T>::max();
  }
  static bool better(T a, T b) { return a < b; }
  static T combine(T a, T b) { return (better(a, b) || is_nan(a)) ? a : b; }
  template <class A> static xsimd::batch<T, A> combine(xsimd::batch<T, A> a, xsimd::batch<T, A> b) {
    return xsimd::select((a < b) | xsimd::isnan(a), a, b);
  }
};

// --- one leaf: a short contiguous run -------------------------------------------

/// Scalar twin: combines p[0..n) left to right.
template <class T, template <class> class Op> T reduce_leaf_scalar(const T* p, std::int64_t n) {
  T acc = Op<T>::identity();
  for (std::int64_t i = 0; i < n; ++i) acc = Op<T>::combine(acc, p[i]);
  return acc;
}

/// SIMD: four independent accumulators (to hide the add latency), then one,
/// then the lanes left to right, then the scalar tail.
template <class T, template <class> class Op> T reduce_leaf_simd(const T* p, std::int64_t n) {
  using B = xsimd::batch<T>;
  constexpr std::int64_t W = B::size;
  B a0(Op<T>::identity()), a1 = a0, a2 = a0, a3 = a0;
  std::int64_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    a0 = Op<T>::combine(a0, B::load_unaligned(p + i));
    a1 = Op<T>::combine(a1, B::load_unaligned(p + i + W));
    a2 = Op<T>::combine(a2, B::load_unaligned(p + i + 2 * W));
    a3 = Op<T>::combine(a3, B::load_unaligned(p + i + 3 * W));
  }
  for (; i + W <= n; i += W) a0 = Op<T>::combine(a0, B::load_unaligned(p + i));
  a0 = Op<T>::combine(Op<T>::combine(a0, a1), Op<T>::combine(a2, a3));
  alignas(64) T lanes[W];
  a0.store_aligned(lanes);
  T acc = lanes[0];
  for (std::int64_t l = 1; l < W; ++l) acc = Op<T>::combine(acc, lanes[l]);
  for (; i < n; ++i) acc = Op<T>::combine(acc, p[i]);
  return acc;
}

/// The leaf kernel the library uses: SIMD for f32/f64, scalar for i64.
template <class T, template <class> class Op> T reduce_leaf(const T* p, std::int64_t n) {
  if constexpr (std::is_floating_point_v<T>) return reduce_leaf_simd<T, Op>(p, n);
  else return reduce_leaf_scalar<T, Op>(p, n);
}

// --- a whole contiguous row -----------------------------------------------------

/// Combines leaf(lo), ..., leaf(hi - 1) pairwise (split at the midpoint).
template <class T, template <class> class Op, class Leaf>
T combine_pairwise(const Leaf& leaf, std::int64_t lo, std::int64_t hi) {
  if (hi <= lo) return Op<T>::identity();
  if (hi - lo == 1) return leaf(lo);
  const std::int64_t mid = lo + (hi - lo) / 2;
  return Op<T>::combine(combine_pairwise<T, Op>(leaf, lo, mid),
                        combine_pairwise<T, Op>(leaf, mid, hi));
}

/// Reduces p[0..n) with the tree of Note [deterministic sums]. Long rows
/// compute their leaves on several threads; the result is the same bits.
template <class T, template <class> class Op> T reduce_row(const T* p, std::int64_t n) {
  const std::int64_t leaves = (n + kLeaf - 1) / kLeaf;
  auto leaf_at = [&](std::int64_t l) {
    const std::int64_t begin = l * kLeaf, len = n - begin < kLeaf ? n - begin : kLeaf;
    return reduce_leaf<T, Op>(p + begin, len);
  };
  if (leaves <= kParallelLeaves) return combine_pairwise<T, Op>(leaf_at, 0, leaves);
  std::vector<T> partial(static_cast<std::size_t>(leaves));
  parallel_for(leaves, 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t l = begin; l < end; ++l) partial[l] = leaf_at(l);
  });
  return combine_pairwise<T, Op>([&](std::int64_t l) { return partial[l]; }, 0, leaves);
}

// --- down the columns: reduce rows of a [r, w] strip (row stride `stride`) ---

// Leaves of kLeafRows rows are combined row by row; leaves are combined
// pairwise as in Note [deterministic sums]. `scratch` holds one strip per
// tree level below this one.
template <class T, template <class> class Op>
void column_tree(const T* p, std::int64_t r, std::int64_t stride, std::int64_t w,
                 std::int64_t lo, std::int64_t hi, T* out, T* scratch) {
  if (hi - lo == 1) {
    const std::int64_t begin = lo * kLeafRows, end = std::min(begin + kLeafRows, r);
    std::copy(p + begin * stride, p + begin * stride + w, out);
    for (std::int64_t k = begin + 1; k < end; ++k) {
      const T* row = p + k * stride;
      for (std::int64_t j = 0; j < w; ++j) out[j] = Op<T>::combine(out[j], row[j]);
    }
    return;
  }
  const std::int64_t mid = lo + (hi - lo) / 2;
  column_tree<T, Op>(p, r, stride, w, lo, mid, out, scratch + w);
  column_tree<T, Op>(p, r, stride, w, mid, hi, scratch, scratch + w);
  for (std::int64_t j = 0; j < w; ++j) out[j] = Op<T>::combine(out[j], scratch[j]);
}

/// Reduces each of the w columns of the [r, w] strip at p (rows `stride`
/// apart) into out[0..w): the column analogue of reduce_row, but adding whole
/// rows at a time, which vectorises. Used for the axis-0 sum of an [N, F]
/// matrix without transposing it.
template <class T, template <class> class Op>
void reduce_columns(const T* p, std::int64_t r, std::int64_t stride, std::int64_t w, T* out) {
  const std::int64_t leaves = (r + kLeafRows - 1) / kLeafRows;
  if (leaves == 0) {
    std::fill(out, out + w, Op<T>::identity());
    return;
  }
  std::int64_t depth = 1;
  while ((std::int64_t{1} << (depth - 1)) < leaves) ++depth;
  std::vector<T> scratch(static_cast<std::size_t>(w * depth));
  column_tree<T, Op>(p, r, stride, w, 0, leaves, out, scratch.data());
}

}  // namespace tg::kernels
