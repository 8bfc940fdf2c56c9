#include "nn/conv2d.hpp"

#include <cmath>

#include "autodiff/functional.hpp"
#include "nn/init.hpp"
#include "tensor/creation.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

Conv2d::Conv2d(const Conv2dOptions& options) : options_(options) {
  const Conv2dOptions& o = options;
  if (o.in_channels < 1 || o.out_channels < 1 || o.kernel_size < 1 || o.stride < 1 ||
      o.dilation < 1 || o.padding < 0)
    fail("Conv2d: expected in_channels, out_channels, kernel_size, stride, dilation >= 1 and "
         "padding >= 0, got in_channels ", o.in_channels, ", out_channels ", o.out_channels,
         ", kernel_size ", o.kernel_size, ", stride ", o.stride, ", dilation ", o.dilation,
         ", padding ", o.padding);
  Generator local;
  Generator& gen = init::layer_generator(o.generator, o.seed, local);
  Tensor w = empty({o.out_channels, o.in_channels, o.kernel_size, o.kernel_size}, o.dtype);
  init::kaiming_uniform_(w, gen, {.a = std::sqrt(5.0)});
  weight_ = register_parameter("weight", w, ParamRole::weight);
  if (o.bias) {
    const auto fan_in = static_cast<double>(init::calculate_fan_in_and_fan_out(w).first);
    const double bound = 1.0 / std::sqrt(fan_in);
    Tensor b = empty({o.out_channels}, o.dtype);
    bias_ = register_parameter("bias", init::uniform_(b, gen, -bound, bound), ParamRole::bias);
  }
}

Var Conv2d::forward(const Var& x) {
  detail::check_input_dtype("Conv2d", x, weight_.dtype());
  if (x.dim() != 4 || x.shape()[1] != options_.in_channels)
    fail("Conv2d: expected input [N, ", options_.in_channels, ", H, W], got ",
         shape_str(x.shape()));
  return conv2d(x, weight_, bias_, options_.stride, options_.padding, options_.dilation);
}

}  // namespace tg::nn
