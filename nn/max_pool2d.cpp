#include "nn/max_pool2d.hpp"

#include "autodiff/functional.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

MaxPool2d::MaxPool2d(std::int64_t kernel_size, const MaxPool2dOptions& options)
    : kernel_size_(kernel_size),
      stride_(options.stride == 0 ? kernel_size : options.stride),
      padding_(options.padding) {
  if (kernel_size < 1 || options.stride < 0 || options.padding < 0)
    fail("MaxPool2d: expected kernel_size >= 1, stride >= 0 and padding >= 0, got kernel_size ",
         kernel_size, ", stride ", options.stride, ", padding ", options.padding);
  // A window made mostly of padding would have no real element to pool.
  if (2 * options.padding > kernel_size)
    fail("MaxPool2d: padding ", options.padding, " must be at most half the kernel size ",
         kernel_size);
}

Var MaxPool2d::forward(const Var& x) {
  if (!x.defined()) fail("MaxPool2d: the input is undefined");
  if (x.dim() != 4) fail("MaxPool2d: expected input [N, C, H, W], got ", shape_str(x.shape()));
  return max_pool2d(x, kernel_size_, stride_, padding_);
}

}  // namespace tg::nn
