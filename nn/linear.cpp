#include "nn/linear.hpp"

#include <cmath>

#include "autodiff/functional.hpp"
#include "nn/init.hpp"
#include "tensor/creation.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

Var linear(const Var& x, const Var& weight, const Var& bias) {
  if (!x.defined() || !weight.defined()) fail("linear: the input or the weight is undefined");
  if (weight.dim() != 2)
    fail("linear: weight must be [out_features, in_features], got ", shape_str(weight.shape()));
  if (x.dim() < 1 || x.shape().back() != weight.shape()[1])
    fail("linear: input ", shape_str(x.shape()), " must end in in_features = ", weight.shape()[1],
         " (weight ", shape_str(weight.shape()), ")");
  Var y = matmul(x, transpose(weight, 0, 1));
  if (bias.defined()) {
    if (bias.shape() != Shape{weight.shape()[0]})
      fail("linear: bias must have shape [", weight.shape()[0], "], got ", shape_str(bias.shape()));
    y = y + bias;
  }
  return y;
}

Linear::Linear(std::int64_t in_features, std::int64_t out_features, const LinearOptions& options)
    : in_features_(in_features), out_features_(out_features) {
  if (in_features < 1 || out_features < 1)
    fail("Linear: in_features and out_features must be >= 1, got ", in_features, " and ",
         out_features);
  Generator local;
  Generator& gen = init::layer_generator(options.generator, options.seed, local);
  // PyTorch's reset_parameters: kaiming_uniform_ with a = sqrt(5) gives
  // U(-1/sqrt(fan_in), 1/sqrt(fan_in)); the bias uses the same bound.
  Tensor w = empty({out_features, in_features}, options.dtype);
  init::kaiming_uniform_(w, gen, {.a = std::sqrt(5.0)});
  weight_ = register_parameter("weight", w, ParamRole::weight);
  if (options.bias) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
    Tensor b = empty({out_features}, options.dtype);
    bias_ = register_parameter("bias", init::uniform_(b, gen, -bound, bound), ParamRole::bias);
  }
}

Var Linear::forward(const Var& x) {
  detail::check_input_dtype("Linear", x, weight_.dtype());
  if (x.dim() < 1 || x.shape().back() != in_features_)
    fail("Linear(", in_features_, ", ", out_features_, "): input ", shape_str(x.shape()),
         " must end in in_features = ", in_features_);
  return linear(x, weight_, bias_);
}

}  // namespace tg::nn
