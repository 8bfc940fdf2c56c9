// nn/avg_pool2d.hpp — mean over k x k windows of each channel (torch.nn.AvgPool2d).
//
//   tg::nn::AvgPool2d pool(2);                          // 2x2 windows, stride 2
//   tg::nn::AvgPool2d overlap(3, {.stride = 1, .padding = 1});
//
// y[n, c, i, j] = mean over p, q < k of x[n, c, s i + p - pad, s j + q - pad].
// Padding counts as zeros in the mean (PyTorch's count_include_pad = true).
// Shapes: x [N, C, H, W] -> [N, C, OH, OW], OH = (H + 2 pad - k) / s + 1.
// The stride defaults to the kernel size. Wraps tg::avg_pool2d.
// Throws: kernel_size < 1, stride < 0, padding < 0 or more than half the
// kernel (as PyTorch), an input that is not 4-d, a window larger than the padded input.
#pragma once

#include <cstdint>

#include "nn/unary_module.hpp"

namespace tg::nn {

/// Options of AvgPool2d beyond the kernel size.
struct AvgPool2dOptions {
  std::int64_t stride = 0;   ///< s, step between windows; 0 (default): the kernel size
  std::int64_t padding = 0;  ///< pad on every side, 0 <= pad <= k / 2 (default 0)
};

/// Mean over k x k windows of each channel (torch.nn.AvgPool2d); no parameters.
///
///     y[n, c, i, j] = mean over p, q < k of x[n, c, s i + p - pad, s j + q - pad]
///
/// Padding counts as zeros in the mean (PyTorch's count_include_pad = true).
/// Shapes: x [N, C, H, W] -> [N, C, OH, OW], OH = (H + 2 pad - k) / s + 1
/// (rounded down), OW likewise. Wraps tg::avg_pool2d.
class AvgPool2d : public UnaryModule {
 public:
  /// Square windows of side kernel_size. Throws tg::Error if kernel_size < 1,
  /// options.stride < 0, options.padding < 0, or 2 * padding > kernel_size
  /// (as PyTorch: a window must hold a real element).
  explicit AvgPool2d(std::int64_t kernel_size, const AvgPool2dOptions& options = {});

  /// The window means: [N, C, H, W] -> [N, C, OH, OW]. Throws tg::Error if x is
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
