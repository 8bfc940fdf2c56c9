// nn/max_pool2d.hpp — maximum over k x k windows of each channel (torch.nn.MaxPool2d).
//
//   tg::nn::MaxPool2d pool(2);                          // 2x2 windows, stride 2
//   tg::nn::MaxPool2d overlap(3, {.stride = 1, .padding = 1});
//
// y[n, c, i, j] = maximum over p, q < k of x[n, c, s i + p - pad, s j + q - pad].
// Padding never wins the maximum (it reads as -inf, as in PyTorch).
// Shapes: x [N, C, H, W] -> [N, C, OH, OW], OH = (H + 2 pad - k) / s + 1.
// The stride defaults to the kernel size. Wraps tg::max_pool2d.
// Throws: kernel_size < 1, stride < 0, padding < 0 or more than half the
// kernel (as PyTorch), an input that is not 4-d, a window larger than the padded input.
#pragma once

#include <cstdint>

#include "nn/unary_module.hpp"

namespace tg::nn {

/// Options of MaxPool2d beyond the kernel size.
struct MaxPool2dOptions {
  std::int64_t stride = 0;   ///< s, step between windows; 0 (default): the kernel size
  std::int64_t padding = 0;  ///< pad on every side, 0 <= pad <= k / 2 (default 0)
};

/// Maximum over k x k windows of each channel (torch.nn.MaxPool2d); no parameters.
///
///     y[n, c, i, j] = max over p, q < k of x[n, c, s i + p - pad, s j + q - pad]
///
/// Padding never wins the maximum (as in PyTorch, where it reads as -inf):
/// with padding, the input is shifted above the zeros that im2col pads with
/// and shifted back, so every window's maximum is one of its real elements.
/// Shapes: x [N, C, H, W] -> [N, C, OH, OW], OH = (H + 2 pad - k) / s + 1
/// (rounded down), OW likewise. Wraps tg::max_pool2d.
class MaxPool2d : public UnaryModule {
 public:
  /// Square windows of side kernel_size. Throws tg::Error if kernel_size < 1,
  /// options.stride < 0, options.padding < 0, or 2 * padding > kernel_size
  /// (as PyTorch: a window must hold a real element).
  explicit MaxPool2d(std::int64_t kernel_size, const MaxPool2dOptions& options = {});

  /// The window maxima: [N, C, H, W] -> [N, C, OH, OW]. Throws tg::Error if x is
  /// undefined or not 4-d, or the window is larger than the padded input.
  Var forward(const Var& x) override;

  /// k, the side of the square windows.
  std::int64_t kernel_size() const { return kernel_size_; }
  /// The step between windows (the kernel size if options.stride was 0).
  std::int64_t stride() const { return stride_; }
  /// The padding on every side.
  std::int64_t padding() const { return padding_; }

 private:
  std::int64_t kernel_size_, stride_, padding_;
};

}  // namespace tg::nn
