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

struct MaxPool2dOptions {
  std::int64_t stride = 0;  // 0: the kernel size
  std::int64_t padding = 0;
};

class MaxPool2d : public UnaryModule {
 public:
  explicit MaxPool2d(std::int64_t kernel_size, const MaxPool2dOptions& options = {});

  Var forward(const Var& x) override;

  std::int64_t kernel_size() const { return kernel_size_; }
  std::int64_t stride() const { return stride_; }
  std::int64_t padding() const { return padding_; }

 private:
  std::int64_t kernel_size_, stride_, padding_;
};

}  // namespace tg::nn
