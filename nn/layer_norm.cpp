#include "nn/layer_norm.hpp"

#include <algorithm>

#include "autodiff/functional.hpp"
#include "tensor/creation.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

namespace {
bool ends_with(const Shape& shape, const Shape& tail) {
  return shape.size() >= tail.size() && std::equal(tail.begin(), tail.end(), shape.end() - tail.size());
}
}  // namespace

Var layer_norm(const Var& x, const Shape& normalized_shape, const Var& weight, const Var& bias,
               double eps) {
  if (!x.defined()) fail("LayerNorm: the input is undefined");
  if (normalized_shape.empty() || !ends_with(x.shape(), normalized_shape))
    fail("LayerNorm: input ", shape_str(x.shape()), " must end in normalized_shape ",
         shape_str(normalized_shape));
  Axes axes;
  for (std::int64_t k = 1; k <= static_cast<std::int64_t>(normalized_shape.size()); ++k)
    axes.push_back(x.dim() - k);
  const Var centered = x - mean(x, axes, /*keepdim=*/true);
  const Var var = mean(square(centered), axes, /*keepdim=*/true);
  Var y = centered / sqrt(var + eps);
  if (weight.defined()) y = y * weight;
  if (bias.defined()) y = y + bias;
  return y;
}

LayerNorm::LayerNorm(Shape normalized_shape, const LayerNormOptions& options)
    : normalized_shape_(std::move(normalized_shape)), options_(options) {
  const bool positive = std::all_of(normalized_shape_.begin(), normalized_shape_.end(),
                                    [](std::int64_t d) { return d > 0; });
  if (normalized_shape_.empty() || !positive)
    fail("LayerNorm: normalized_shape must be non-empty with positive extents, got ",
         shape_str(normalized_shape_));
  if (!(options.eps > 0)) fail("LayerNorm: eps must be > 0, got ", options.eps);
  if (options.elementwise_affine) {
    weight_ = register_parameter("weight", ones(normalized_shape_, options.dtype), ParamRole::norm);
    bias_ = register_parameter("bias", zeros(normalized_shape_, options.dtype), ParamRole::norm);
  }
}

Var LayerNorm::forward(const Var& x) {
  if (weight_.defined()) detail::check_input_dtype("LayerNorm", x, weight_.dtype());
  return layer_norm(x, normalized_shape_, weight_, bias_, options_.eps);
}

}  // namespace tg::nn
