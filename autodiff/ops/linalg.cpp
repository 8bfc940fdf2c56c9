// Matrix product and the im2col/col2im pair that convolution is built from.
#include "autodiff/functional.hpp"
#include "tensor/im2col.hpp"
#include "tensor/linalg.hpp"

namespace tg {

// C = A B:  dA = grad B^T,  dB = A^T grad  (batch axes: the engine sums
// gradients of broadcast batch axes back to each operand's shape).
// Operands are at least 2-d here; the composite matmul() handles vectors.
namespace {
// dB = A^T grad, laid out like B. nn::linear multiplies by transpose(W), a
// column-major view; computing dB^T = grad^T A and returning its transpose
// hands W a contiguous gradient through transpose's backward. A column-strided
// [256, 784] gradient made the optimizer's copy cost ~0.8 ms per batch-1 step.
Var weight_grad(const Var& a, const Var& b, const Var& grad) {
  const Strides& s = b.value().strides();
  const bool column_major = a.dim() == 2 && b.dim() == 2 && s[0] == 1 && s[1] != 1;
  if (column_major) return transpose(matmul(transpose(grad, 0, 1), a), 0, 1);
  return matmul(transpose(a, -1, -2), grad);
}
}  // namespace

Var matmul(const Var& a, const Var& b) {
  if (a.dim() < 2 || b.dim() < 2) {
    if (a.dim() == 0 || b.dim() == 0)
      fail("matmul: 0-d operands are not matrices: ", shape_str(a.shape()), " @ ",
           shape_str(b.shape()));
    // A vector is a 1-row (left) or 1-column (right) matrix; drop that axis after.
    const Var a2 = a.dim() == 1 ? unsqueeze(a, 0) : a;
    const Var b2 = b.dim() == 1 ? unsqueeze(b, 1) : b;
    Var out = matmul(a2, b2);
    if (b.dim() == 1) out = squeeze(out, -1);
    if (a.dim() == 1) out = squeeze(out, b.dim() == 1 ? -1 : -2);
    return out;
  }
  return record(OpId::matmul, tg::matmul(a.value(), b.value()), {a, b},
                [](const Node& n, const Var& grad) -> Grads {
                  const Var& a = n.inputs[0];
                  const Var& b = n.inputs[1];
                  // An input without requires_grad (the data x of x W^T) gets no
                  // gradient: skipping it saves a sixth of an MLP epoch's GEMM work.
                  return {a.requires_grad() ? matmul(grad, transpose(b, -1, -2)) : Var(),
                          b.requires_grad() ? weight_grad(a, b, grad) : Var()};
                });
}

// im2col copies receptive fields into columns; col2im sums them back: each
// is the other's adjoint, so each one's backward is the other.
Var im2col(const Var& x, const Conv2dGeometry& g) {
  OpAttrs attrs;
  attrs.conv = g;
  return record(OpId::im2col, tg::im2col(x.value(), g), {x},
                [](const Node& n, const Var& grad) -> Grads {
                  return {col2im(grad, n.inputs[0].shape(), n.attrs.conv)};
                },
                attrs);
}

Var col2im(const Var& cols, const Shape& image_shape, const Conv2dGeometry& g) {
  OpAttrs attrs;
  attrs.conv = g;
  return record(OpId::col2im, tg::col2im(cols.value(), image_shape, g), {cols},
                [](const Node& n, const Var& grad) -> Grads { return {im2col(grad, n.attrs.conv)}; },
                attrs);
}

}  // namespace tg
