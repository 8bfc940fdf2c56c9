// tensor/im2col.hpp — turning convolution into matrix multiplication.
//
// im2col copies every receptive field of an image into a column, so that a
// 2-d convolution becomes one GEMM: weight [C_out, C*kh*kw] @ cols.
// col2im is its adjoint (it sums overlapping fields back), which is what the
// backward pass of convolution needs.
//
// Shapes: x [N, C, H, W] -> cols [N, C*kh*kw, OH*OW] with
//   OH = (H + 2*pad_h - dil_h*(kh-1) - 1) / stride_h + 1   (same for OW).
// Padding reads as zero.
#pragma once

#include <cstdint>

#include "tensor/tensor.hpp"

namespace tg {

struct Conv2dGeometry {
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_h = 0, pad_w = 0;
  std::int64_t dilation_h = 1, dilation_w = 1;

  /// Output height/width for an input of height/width h/w; throws if the
  /// window does not fit or a field is non-positive.
  std::int64_t out_h(std::int64_t h) const;
  std::int64_t out_w(std::int64_t w) const;
};

/// x [N, C, H, W] (floating) -> [N, C*kh*kw, OH*OW].
Tensor im2col(const Tensor& x, const Conv2dGeometry& g);
/// cols [N, C*kh*kw, OH*OW] -> [N, C, H, W], summing overlaps (adjoint of im2col).
Tensor col2im(const Tensor& cols, const Shape& image_shape, const Conv2dGeometry& g);

}  // namespace tg
