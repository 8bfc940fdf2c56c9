// tensor/iter.hpp — walking several strided operands of one shape together.
//
// An elementwise op sees its output and its inputs as N tensors of the same
// shape: an input that broadcasts is read with stride 0 along its repeated
// axes, as if expand()ed, without building the expanded tensor. The walk
//   1. drops size-1 axes and merges neighbouring axes that are contiguous for
//      every operand (coalescing): a contiguous op becomes one long row,
//      [M, N] + [N] becomes M rows of N with the second operand restarting
//      each row, a scalar operand becomes a stride-0 row;
//   2. hands the kernel whole runs of the innermost axis with each operand's
//      start offset and stride, so the kernel picks its fast loop once per row
//      (tensor/simd_kernels.hpp);
//   3. cuts the elements into chunks of kElementwiseGrain for parallel_for; a
//      chunk may start or end inside a row. Chunks depend only on the shape,
//      and each element is computed the same way whichever thread runs it.
//
// Internal header: used by tensor/*.cpp, not installed.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "tensor/parallel.hpp"
#include "tensor/simd_kernels.hpp"
#include "tensor/small_vector.hpp"
#include "tensor/tensor.hpp"

namespace tg::detail {

/// Elements per parallel chunk: below this, threads cost more than they save.
inline constexpr std::int64_t kElementwiseGrain = 32768;

/// Per-axis lists of a loop, inline up to 6 axes: a small op allocates
/// nothing here (Note [inline dims] in tensor/small_vector.hpp).
using LoopDims = SmallVector<std::int64_t, 6>;

/// N operands of one shape, coalesced. Offsets and strides are in elements of
/// each operand's own storage.
template <std::size_t N>
struct StridedLoop {
  LoopDims shape;                       // at least one axis
  std::array<LoopDims, N> strides;      // per operand, one entry per axis
  std::array<std::int64_t, N> offsets;  // per operand, its first element
  std::int64_t numel = 0;
};

/// Operand t's stride along axis d of an nd-axis loop shape it broadcasts to:
/// axes align from the right, and a missing or size-1 axis repeats (stride 0),
/// exactly as if t had been expand()ed to that shape.
inline std::int64_t broadcast_stride(const Tensor& t, std::size_t d, std::size_t nd) {
  const std::size_t lead = nd - t.shape().size();
  if (d < lead || t.shape()[d - lead] == 1) return 0;
  return t.strides()[d - lead];
}

/// Builds the coalesced loop over operands[0]'s shape; every other operand
/// must broadcast to it (the caller checked, e.g. with broadcast_shapes), and
/// is read through stride-0 axes where it is repeated, with no expand() needed.
template <std::size_t N>
StridedLoop<N> make_loop(const std::array<const Tensor*, N>& operands) {
  StridedLoop<N> loop;
  const Shape& shape = operands[0]->shape();
  const std::size_t nd = shape.size();
  loop.numel = operands[0]->numel();
  for (std::size_t k = 0; k < N; ++k) loop.offsets[k] = operands[k]->offset();
  for (std::size_t d = 0; d < nd; ++d) {
    if (shape[d] == 1) continue;  // its stride never matters
    std::array<std::int64_t, N> stride;
    for (std::size_t k = 0; k < N; ++k) stride[k] = broadcast_stride(*operands[k], d, nd);
    // Axis d continues the previous kept axis when, for every operand, one
    // step there equals shape[d] steps here.
    bool merge = !loop.shape.empty();
    for (std::size_t k = 0; k < N && merge; ++k)
      merge = loop.strides[k].back() == stride[k] * shape[d];
    if (merge) {
      loop.shape.back() *= shape[d];
      for (std::size_t k = 0; k < N; ++k) loop.strides[k].back() = stride[k];
    } else {
      loop.shape.push_back(shape[d]);
      for (std::size_t k = 0; k < N; ++k) loop.strides[k].push_back(stride[k]);
    }
  }
  if (loop.shape.empty()) {  // 0-d or all extents 1: one element
    loop.shape = {1};
    for (std::size_t k = 0; k < N; ++k) loop.strides[k] = {1};
  }
  return loop;
}

/// Calls row(pos, stride, count) for the elements [begin, end) in row-major
/// order: `count` elements along the innermost axis, operand k starting at
/// pos[k] and stepping stride[k].
template <std::size_t N, class RowFn>
void walk_rows(const StridedLoop<N>& loop, std::int64_t begin, std::int64_t end, RowFn& row) {
  const std::size_t nd = loop.shape.size();
  const std::int64_t inner = loop.shape[nd - 1];
  std::array<std::int64_t, N> inner_stride;
  for (std::size_t k = 0; k < N; ++k) inner_stride[k] = loop.strides[k][nd - 1];
  if (nd == 1) {  // coalesced into one row (the common case): no odometer needed
    std::array<std::int64_t, N> pos;
    for (std::size_t k = 0; k < N; ++k) pos[k] = loop.offsets[k] + begin * inner_stride[k];
    row(pos, inner_stride, end - begin);
    return;
  }
  // The multi-index of element `begin`, and where each operand is there.
  LoopDims index(nd, 0);
  std::array<std::int64_t, N> pos = loop.offsets;
  std::int64_t rest = begin;
  for (std::size_t d = nd; d-- > 0;) {
    index[d] = rest % loop.shape[d];
    rest /= loop.shape[d];
    for (std::size_t k = 0; k < N; ++k) pos[k] += index[d] * loop.strides[k][d];
  }
  for (std::int64_t done = begin; done < end;) {
    const std::int64_t count = std::min(inner - index[nd - 1], end - done);
    row(pos, inner_stride, count);
    done += count;
    if (done == end) return;
    // Back to the start of the inner axis, then advance the outer odometer.
    for (std::size_t k = 0; k < N; ++k) pos[k] -= index[nd - 1] * inner_stride[k];
    index[nd - 1] = 0;
    for (std::size_t axis = nd - 1; axis-- > 0;) {
      for (std::size_t k = 0; k < N; ++k) pos[k] += loop.strides[k][axis];
      if (++index[axis] < loop.shape[axis]) break;
      for (std::size_t k = 0; k < N; ++k) pos[k] -= loop.strides[k][axis] * loop.shape[axis];
      index[axis] = 0;
    }
  }
}

/// Runs `row` over every element, in parallel chunks for large loops.
template <std::size_t N, class RowFn>
void for_each_row(const StridedLoop<N>& loop, RowFn&& row) {
  parallel_for(loop.numel, kElementwiseGrain,
               [&](std::int64_t begin, std::int64_t end) { walk_rows(loop, begin, end, row); });
}

// Note [one-row fast path]
// Most elementwise ops in a training step or a scalar tape see operands that
// are already one contiguous row: a fresh result and inputs of the same
// element count, or one-element inputs read with stride 0. For those, up to
// the parallel grain (one chunk), make_loop would coalesce everything into that row
// and walk_rows would make one call of the row kernel; one_row() recognises
// the case and the caller makes that call directly, without building the
// loop. Same kernel, same arguments: the results are bitwise those of the
// general path.

/// If `out` and every operand form one row of out.numel() elements
/// (Note [one-row fast path]), stores each operand's stride (1: contiguous
/// with out's element count, 0: one element repeated) and returns true.
/// Operands must broadcast to out's shape, as for make_loop.
template <std::size_t N>
bool one_row(const std::array<const Tensor*, N>& operands, std::array<std::int64_t, N>& stride) {
  const std::int64_t numel = operands[0]->numel();
  if (numel == 0 || numel > kElementwiseGrain) return false;  // more: parallel chunks
  for (std::size_t k = 0; k < N; ++k) {
    const Tensor& t = *operands[k];
    // Broadcasting to out's shape with as many elements means the same shape
    // up to size-1 axes, so row-major order is out's order.
    if (t.numel() == numel && t.is_contiguous()) stride[k] = 1;
    else if (t.numel() == 1) stride[k] = 0;
    else return false;
  }
  return true;
}

/// Where element 0 of a tensor's storage is, typed.
template <class T> T* storage_base(const Tensor& t) { return static_cast<T*>(t.storage()->data()); }

/// out = op(x) elementwise. x must already have out's shape (expand it); T is
/// out's element type, U is x's.
template <class T, class U, class Op>
void apply_unary(const Op& op, const Tensor& out, const Tensor& x) {
  T* o = storage_base<T>(out);
  const U* xs = storage_base<const U>(x);
  if (std::array<std::int64_t, 2> s; one_row<2>({&out, &x}, s)) {
    simd::unary_row(op, o + out.offset(), s[0], xs + x.offset(), s[1], out.numel());
    return;
  }
  const auto loop = make_loop<2>({&out, &x});
  for_each_row(loop, [&](const auto& pos, const auto& stride, std::int64_t n) {
    simd::unary_row(op, o + pos[0], stride[0], xs + pos[1], stride[1], n);
  });
}

/// out = op(a, b) elementwise; a and b broadcast to out's shape.
template <class T, class Op>
void apply_binary(const Op& op, const Tensor& out, const Tensor& a, const Tensor& b) {
  T* o = storage_base<T>(out);
  const T* as = storage_base<const T>(a);
  const T* bs = storage_base<const T>(b);
  if (std::array<std::int64_t, 3> s; one_row<3>({&out, &a, &b}, s)) {
    simd::binary_row(op, o + out.offset(), s[0], as + a.offset(), s[1], bs + b.offset(), s[2],
                     out.numel());
    return;
  }
  const auto loop = make_loop<3>({&out, &a, &b});
  for_each_row(loop, [&](const auto& pos, const auto& stride, std::int64_t n) {
    simd::binary_row(op, o + pos[0], stride[0], as + pos[1], stride[1], bs + pos[2], stride[2], n);
  });
}

/// out = cond != 0 ? a : b elementwise; all three broadcast to out's shape.
/// C is cond's element type, T the others'.
template <class T, class C>
void apply_where(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  const auto loop = make_loop<4>({&out, &cond, &a, &b});
  T* o = storage_base<T>(out);
  const C* cs = storage_base<const C>(cond);
  const T* as = storage_base<const T>(a);
  const T* bs = storage_base<const T>(b);
  for_each_row(loop, [&](const auto& pos, const auto& s, std::int64_t n) {
    simd::where_row(o + pos[0], s[0], cs + pos[1], s[1], as + pos[2], s[2], bs + pos[3], s[3], n);
  });
}

}  // namespace tg::detail
