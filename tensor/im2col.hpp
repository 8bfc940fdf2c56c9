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

/// Kernel size, stride, zero padding and dilation of a 2-d convolution
/// (the same on every channel). Kernel, stride and dilation must be >= 1,
/// padding >= 0; out_h/out_w check that.
struct Conv2dGeometry {
  /// @var kernel_h
  /// Kernel height kh.
  /// @var kernel_w
  /// Kernel width kw.
  std::int64_t kernel_h = 1, kernel_w = 1;
  /// @var stride_h
  /// Vertical step between windows.
  /// @var stride_w
  /// Horizontal step between windows.
  std::int64_t stride_h = 1, stride_w = 1;
  /// @var pad_h
  /// Zero rows added above and below.
  /// @var pad_w
  /// Zero columns added left and right.
  std::int64_t pad_h = 0, pad_w = 0;
  /// @var dilation_h
  /// Vertical spacing of kernel taps (1 = dense).
  /// @var dilation_w
  /// Horizontal spacing of kernel taps (1 = dense).
  std::int64_t dilation_h = 1, dilation_w = 1;

  /// Output height for an input of height h:
  /// OH = (h + 2*pad_h - dilation_h*(kh-1) - 1) / stride_h + 1.
  /// @throws tg::Error if a field is out of range (kernel/stride/dilation < 1,
  ///         padding < 0) or the dilated kernel is taller than the padded input.
  std::int64_t out_h(std::int64_t h) const;
  /// Output width for an input of width w; the same formula and errors as out_h.
  std::int64_t out_w(std::int64_t w) const;
};

/// x [N, C, H, W] (floating) -> [N, C*kh*kw, OH*OW]: row (c*kh + i)*kw + j,
/// column oh*OW + ow holds x[n, c, oh*stride_h + i*dilation_h - pad_h,
/// ow*stride_w + j*dilation_w - pad_w] (0 in the padding).
/// @throws tg::Error if x is not 4-d, is i64, or the geometry does not fit.
Tensor im2col(const Tensor& x, const Conv2dGeometry& g);
/// cols [N, C*kh*kw, OH*OW] -> [N, C, H, W], summing overlaps (adjoint of im2col).
/// @throws tg::Error if image_shape is not 4-d, cols does not have the shape
///         im2col would give for it, cols is i64, or the geometry does not fit.
Tensor col2im(const Tensor& cols, const Shape& image_shape, const Conv2dGeometry& g);

}  // namespace tg
