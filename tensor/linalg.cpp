#include "tensor/linalg.hpp"

#include <algorithm>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/gemm.hpp"
#include "tensor/parallel.hpp"

namespace tg {

namespace {

// Matrices with fewer multiply-adds than this are too small for gemm to
// thread; a batch of them is split over threads instead.
constexpr std::int64_t kBatchParallelMaxWork = std::int64_t{1} << 20;

// One operand as GEMM reads it: a batch of matrices at base + batch offset,
// each either row-major with leading dimension `ld`, or the transpose of a
// row-major matrix (trans = true) with leading dimension `ld`.
struct MatrixOperand {
  Tensor tensor;  // keeps the memory alive; may be a contiguous copy of the input
  bool trans = false;
  std::int64_t ld = 1;
};

// Note [matmul operand layout]
// GEMM reads a rows x cols matrix in place when its last two strides are
// (ld, 1) with ld >= cols (row-major, possibly padded) or (1, ld) with
// ld >= rows (a transposed view such as x.transpose(-1, -2)). Size-1 axes may
// carry any stride, so they are treated as whatever makes the layout fit.
// Anything else (broadcast rows, slices with a step) is copied once.
MatrixOperand as_gemm_operand(const Tensor& x) {
  const std::int64_t rows = x.size(-2), cols = x.size(-1);
  const std::int64_t rs = x.strides()[x.dim() - 2], cs = x.strides()[x.dim() - 1];
  const std::int64_t min_ld_rows = std::max<std::int64_t>(cols, 1);
  const std::int64_t min_ld_cols = std::max<std::int64_t>(rows, 1);
  if ((cols == 1 || cs == 1) && (rows == 1 || rs >= min_ld_rows))
    return {x, false, rows == 1 ? min_ld_rows : rs};
  if ((rows == 1 || rs == 1) && (cols == 1 || cs >= min_ld_cols))
    return {x, true, cols == 1 ? min_ld_cols : cs};
  return {x.contiguous(), false, min_ld_rows};
}

// Element offsets (relative to the operand's first element) of each matrix
// in the broadcast batch, in row-major order of `batch_shape`.
std::vector<std::int64_t> batch_offsets(const Tensor& x, const Shape& batch_shape) {
  const Shape matrix_shape(x.shape().end() - 2, x.shape().end());
  Shape full = batch_shape;
  full.insert(full.end(), matrix_shape.begin(), matrix_shape.end());
  const Tensor expanded = x.expand(full);
  const Strides batch_strides(expanded.strides().begin(), expanded.strides().end() - 2);
  std::vector<std::int64_t> offsets;
  for_each_offset(batch_shape, batch_strides, 0, [&](std::int64_t o) { offsets.push_back(o); });
  return offsets;
}

void check_operands(const Tensor& a, const Tensor& b) {
  a.check_defined("matmul");
  b.check_defined("matmul");
  if (a.dim() == 0 || b.dim() == 0)
    fail("matmul: expected operands with at least 1 dimension, got ", shape_str(a.shape()),
         " @ ", shape_str(b.shape()), "; use mul() to scale by a 0-d tensor");
  if (!is_floating(a.dtype()) || a.dtype() != b.dtype())
    fail("matmul: expected two floating tensors of the same dtype, got ", dtype_name(a.dtype()),
         " ", shape_str(a.shape()), " @ ", dtype_name(b.dtype()), " ", shape_str(b.shape()),
         "; convert with .to(tg::DType::f32)");
  const std::int64_t ka = a.size(-1), kb = b.dim() == 1 ? b.size(0) : b.size(-2);
  if (ka != kb)
    fail("matmul: inner dimensions differ: ", shape_str(a.shape()), " @ ", shape_str(b.shape()),
         " (", ka, " != ", kb, ")");
}

// The batch axes of both operands broadcast together, or an error naming both shapes.
Shape broadcast_batch(const Tensor& a, const Tensor& b, const Tensor& a_in, const Tensor& b_in) {
  const Shape a_batch(a.shape().begin(), a.shape().end() - 2);
  const Shape b_batch(b.shape().begin(), b.shape().end() - 2);
  try {
    return broadcast_shapes(a_batch, b_batch, "matmul");
  } catch (const Error&) {
    fail("matmul: batch dimensions ", shape_str(a_batch), " and ", shape_str(b_batch), " of ",
         shape_str(a_in.shape()), " @ ", shape_str(b_in.shape()), " cannot be broadcast");
  }
}

}  // namespace

Tensor matmul(const Tensor& a_in, const Tensor& b_in) {
  check_operands(a_in, b_in);
  // A 1-d operand is a row vector on the left and a column vector on the right.
  Tensor a = a_in.dim() == 1 ? a_in.unsqueeze(0) : a_in;
  Tensor b = b_in.dim() == 1 ? b_in.unsqueeze(1) : b_in;
  // A batch of matrices times one matrix: fold the batch into the rows of A
  // and run a single GEMM (the usual case of a layer applied to [B, T, K]).
  if (a.dim() > 2 && b.dim() == 2 && a.is_contiguous()) {
    Shape out_shape(a.shape().begin(), a.shape().end() - 1);
    const std::int64_t rows = shape_numel(out_shape, "matmul");
    out_shape.push_back(b.size(1));
    if (b_in.dim() == 1) out_shape.pop_back();
    return matmul(a.reshape({rows, a.size(-1)}), b).reshape(out_shape);
  }
  const Shape batch = broadcast_batch(a, b, a_in, b_in);
  const std::int64_t M = a.size(-2), K = a.size(-1), N = b.size(-1);

  Shape out_shape = batch;
  if (a_in.dim() > 1) out_shape.push_back(M);
  if (b_in.dim() > 1) out_shape.push_back(N);
  Shape full_shape = batch;
  full_shape.insert(full_shape.end(), {M, N});
  Tensor out = Tensor::empty(full_shape, a.dtype());
  if (out.numel() == 0) return out.view(out_shape);

  const MatrixOperand A = as_gemm_operand(a), B = as_gemm_operand(b);
  const std::vector<std::int64_t> a_offsets = batch_offsets(A.tensor, batch);
  const std::vector<std::int64_t> b_offsets = batch_offsets(B.tensor, batch);
  const auto batches = static_cast<std::int64_t>(a_offsets.size());
  dispatch_floating(a.dtype(), "matmul", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* a_data = A.tensor.data<T>();
    const T* b_data = B.tensor.data<T>();
    T* c_data = out.data<T>();
    auto multiply = [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i)
        gemm(A.trans, B.trans, M, N, K, T(1), a_data + a_offsets[i], A.ld,
             b_data + b_offsets[i], B.ld, T(0), c_data + i * M * N, N);
    };
    // Large matrices are threaded inside gemm; many small ones are spread
    // over the threads a chunk of matrices at a time (each matrix by one thread).
    const std::int64_t work = M * N * std::max<std::int64_t>(K, 1);
    if (work >= kBatchParallelMaxWork)
      multiply(0, batches);
    else
      parallel_for(batches, std::max<std::int64_t>(1, kBatchParallelMaxWork / work), multiply);
  });
  return out.view(out_shape);
}

}  // namespace tg
