#include "nn/batch_norm.hpp"

#include <algorithm>

#include "autodiff/functional.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

namespace {

// running = (1 - m) running + m batch, in place: buffers are state, not graph.
void update_running(Tensor& running, const Tensor& batch, double momentum) {
  NoGradGuard no_grad;
  mul_(running, 1.0 - momentum);
  add_(running, batch, momentum);
}

}  // namespace

Var batch_norm(const Var& x, Tensor running_mean, Tensor running_var, const Var& weight,
               const Var& bias, bool training, double momentum, double eps) {
  if (!x.defined() || x.dim() < 2)
    fail("batch_norm: expected an input [N, C, ...], got ",
         x.defined() ? shape_str(x.shape()) : std::string("undefined"));
  const std::int64_t c = x.shape()[1];
  Shape channel_shape(static_cast<std::size_t>(x.dim()), 1);  // [1, C, 1, ...]
  channel_shape[1] = c;
  Axes axes{0};
  for (std::int64_t d = 2; d < x.dim(); ++d) axes.push_back(d);
  const bool use_batch = training || !running_mean.defined();
  Var y;
  if (use_batch) {
    const Var mu = mean(x, axes, /*keepdim=*/true);
    const Var centered = x - mu;
    const Var var = mean(square(centered), axes, /*keepdim=*/true);
    y = centered / sqrt(var + eps);
    if (training && running_mean.defined()) {
      const auto n = static_cast<double>(x.numel() / c);
      update_running(running_mean, mu.value().reshape({c}), momentum);
      update_running(running_var, mul(var.value().reshape({c}), n / (n - 1.0)), momentum);
    }
  } else {
    const Var mu(running_mean.reshape(channel_shape));
    const Var var(running_var.reshape(channel_shape));
    y = (x - mu) / sqrt(var + eps);
  }
  if (weight.defined()) y = y * reshape(weight, channel_shape);
  if (bias.defined()) y = y + reshape(bias, channel_shape);
  return y;
}

BatchNorm::BatchNorm(const char* name, std::vector<std::int64_t> ranks, std::string layout,
                     std::int64_t num_features, const BatchNormOptions& options)
    : name_(name), ranks_(std::move(ranks)), layout_(std::move(layout)),
      num_features_(num_features), options_(options) {
  if (num_features < 1) fail(name_, ": num_features must be >= 1, got ", num_features);
  if (!(options.eps > 0)) fail(name_, ": eps must be > 0, got ", options.eps);
  if (options.momentum && !(*options.momentum >= 0 && *options.momentum <= 1))
    fail(name_, ": momentum must be in [0, 1], got ", *options.momentum);
  if (options.affine) {
    weight_ = register_parameter("weight", ones({num_features}, options.dtype), ParamRole::norm);
    bias_ = register_parameter("bias", zeros({num_features}, options.dtype), ParamRole::norm);
  }
  if (options.track_running_stats) {
    running_mean_ = zeros({num_features}, options.dtype);
    running_var_ = ones({num_features}, options.dtype);
    num_batches_tracked_ = scalar(0, DType::i64);
    register_buffer("running_mean", running_mean_);
    register_buffer("running_var", running_var_);
    register_buffer("num_batches_tracked", num_batches_tracked_);
  }
}

std::int64_t BatchNorm::num_batches_tracked() const {
  return num_batches_tracked_.defined() ? static_cast<std::int64_t>(num_batches_tracked_.item()) : 0;
}

void BatchNorm::check_input(const Var& x) const {
  if (!x.defined()) fail(name_, ": the input is undefined");
  if (std::find(ranks_.begin(), ranks_.end(), x.dim()) == ranks_.end())
    fail(name_, ": expected input ", layout_, ", got ", shape_str(x.shape()));
  if (x.shape()[1] != num_features_)
    fail(name_, ": expected ", num_features_, " channels (num_features) on axis 1, got input ",
         shape_str(x.shape()));
  detail::check_input_dtype(name_, x, options_.dtype);
  if (is_training() && x.numel() / num_features_ < 2)
    fail(name_, ": expected more than 1 value per channel when training, got input ",
         shape_str(x.shape()));
}

Var BatchNorm::forward(const Var& x) {
  check_input(x);
  double momentum = options_.momentum.value_or(0.0);
  if (is_training() && num_batches_tracked_.defined()) {
    num_batches_tracked_.fill_(static_cast<double>(num_batches_tracked() + 1));
    // Without a momentum, 1/k after k batches makes the running value the
    // plain average of all batch statistics so far.
    if (!options_.momentum) momentum = 1.0 / static_cast<double>(num_batches_tracked());
  }
  return batch_norm(x, running_mean_, running_var_, weight_, bias_, is_training(), momentum,
                    options_.eps);
}

}  // namespace tg::nn
