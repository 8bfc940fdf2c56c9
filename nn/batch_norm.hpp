// nn/batch_norm.hpp — what BatchNorm1d and BatchNorm2d share (torch's _BatchNorm).
//
// Batch normalisation (Ioffe & Szegedy, ICML 2015) normalises each channel
// (axis 1) over every other axis:
//   training:   mu, var = mean and biased variance of the batch
//   evaluation: mu, var = running_mean, running_var
//   y = (x - mu) / sqrt(var + eps) * weight[c] + bias[c]
// While training, the running statistics move towards the batch's, in place
// and outside the graph (as PyTorch does, with the *unbiased* variance):
//   running_mean = (1 - m) running_mean + m mean
//   running_var  = (1 - m) running_var  + m var * n / (n - 1)
// where n is the number of values per channel and m the momentum; without a
// momentum (nullopt) m = 1 / num_batches_tracked, a cumulative average.
// Without track_running_stats there are no running statistics and batch
// statistics are used in evaluation too.
// Parameters (affine): "weight" (ones), "bias" (zeros), [C], role norm.
// Buffers (track_running_stats): "running_mean" (zeros), "running_var"
// (ones), "num_batches_tracked" (i64 0-d), as in PyTorch's state_dict.
// Throws: a wrong input rank or channel count, a dtype other than the
// layer's, a single value per channel while training, num_features < 1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nn/unary_module.hpp"

namespace tg::nn {

/// Options of BatchNorm1d and BatchNorm2d.
struct BatchNormOptions {
  double eps = 1e-5;                     ///< added to the variance, > 0 (default 1e-5)
  /// m in [0, 1], the weight of each batch in the running statistics (default
  /// 0.1); nullopt: m = 1 / num_batches_tracked, a cumulative moving average.
  std::optional<double> momentum = 0.1;
  bool affine = true;                    ///< learn per-channel "weight" and "bias" (default true)
  bool track_running_stats = true;       ///< keep running statistics for evaluation (default true)
  DType dtype = DType::f32;              ///< dtype of parameters, buffers and inputs (default f32)
};

/// The normalisation as a function (torch.nn.functional.batch_norm), channels
/// on axis 1. In training, batch statistics are used and, if running_mean and
/// running_var are defined, updated in place with factor `momentum`; in
/// evaluation the running statistics are used. weight/bias may be undefined.
///
/// Without running statistics (undefined running_mean), batch statistics are
/// used in evaluation too. The running variance is updated with the unbiased
/// batch variance (times n / (n - 1), n values per channel), so a training
/// call needs n >= 2 to keep it finite; unlike BatchNorm, this function does
/// not check that. Shapes: x [N, C, ...] -> the same shape; running_mean,
/// running_var, weight, bias [C]. Throws tg::Error if x is undefined or has
/// fewer than 2 axes.
Var batch_norm(const Var& x, Tensor running_mean, Tensor running_var, const Var& weight,
               const Var& bias, bool training, double momentum = 0.1, double eps = 1e-5);

/// Batch normalisation (Ioffe & Szegedy, ICML 2015): what BatchNorm1d and
/// BatchNorm2d share (torch's _BatchNorm).
///
/// Normalises each channel (axis 1) over every other axis:
///
///     training:   mu, var = mean and biased variance of the batch
///     evaluation: mu, var = running_mean, running_var
///     y = (x - mu) / sqrt(var + eps) * weight[c] + bias[c]
///
/// While training, the running statistics move towards the batch's, in place
/// and outside the graph (as PyTorch does, with the unbiased variance):
///
///     running_mean = (1 - m) running_mean + m mean
///     running_var  = (1 - m) running_var  + m var n / (n - 1)
///
/// where n is the number of values per channel and m the momentum; without
/// a momentum (nullopt) m = 1 / num_batches_tracked, a cumulative average.
/// Without track_running_stats there are no running statistics and batch
/// statistics are used in evaluation too.
/// Parameters (affine): "weight" (ones), "bias" (zeros), [C], role norm.
/// Buffers (track_running_stats): "running_mean" (zeros), "running_var"
/// (ones), "num_batches_tracked" (i64 0-d), as in PyTorch's state_dict.
/// The constructors throw tg::Error if num_features < 1, eps is not > 0, or
/// momentum is set and outside [0, 1].
class BatchNorm : public UnaryModule {
 public:
  /// The normalised x, same shape. Throws tg::Error if x is undefined, its
  /// rank is not one the layer accepts, axis 1 is not num_features, its
  /// dtype is not the layer's, or (in training mode) there are fewer than 2
  /// values per channel.
  Var forward(const Var& x) override;

  /// The per-channel scale [C]; undefined without affine.
  const Var& weight() const { return weight_; }
  /// The per-channel shift [C]; undefined without affine.
  const Var& bias() const { return bias_; }
  /// The running mean [C]; undefined without track_running_stats.
  const Tensor& running_mean() const { return running_mean_; }
  /// The running variance [C]; undefined without track_running_stats.
  const Tensor& running_var() const { return running_var_; }
  /// The number of training-mode forward calls so far (0 without
  /// track_running_stats).
  std::int64_t num_batches_tracked() const;
  /// C, the number of channels.
  std::int64_t num_features() const { return num_features_; }

 protected:
  /// `name` appears in errors; `ranks` are the accepted input ranks and
  /// `layout` describes them ("[N, C] or [N, C, L]").
  BatchNorm(const char* name, std::vector<std::int64_t> ranks, std::string layout,
            std::int64_t num_features, const BatchNormOptions& options);

 private:
  void check_input(const Var& x) const;

  const char* name_;
  std::vector<std::int64_t> ranks_;
  std::string layout_;
  std::int64_t num_features_;
  BatchNormOptions options_;
  Var weight_, bias_;
  Tensor running_mean_, running_var_, num_batches_tracked_;
};

}  // namespace tg::nn
