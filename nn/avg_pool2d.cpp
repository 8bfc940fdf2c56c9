#include "nn/avg_pool2d.hpp"

#include "autodiff/functional.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

AvgPool2d::AvgPool2d(std::int64_t kernel_size, const AvgPool2dOptions& options)
    : kernel_size_(kernel_size),
      stride_(options.stride == 0 ? kernel_size : options.stride),
      padding_(options.padding) {
  if (kernel_size < 1 || options.stride < 0 || options.padding < 0)
    fail("AvgPool2d: expected kernel_size >= 1, stride >= 0 and padding >= 0, got kernel_size ",
         kernel_size, ", stride ", options.stride, ", padding ", options.padding);
  // A window made mostly of padding would have no real element to pool.
  if (2 * options.padding > kernel_size)
    fail("AvgPool2d: padding ", options.padding, " must be at most half the kernel size ",
         kernel_size);
}

Var AvgPool2d::forward(const Var& x) {
  if (!x.defined()) fail("AvgPool2d: the input is undefined");
  if (x.dim() != 4) fail("AvgPool2d: expected input [N, C, H, W], got ", shape_str(x.shape()));
  return avg_pool2d(x, kernel_size_, stride_, padding_);
}

}  // namespace tg::nn
