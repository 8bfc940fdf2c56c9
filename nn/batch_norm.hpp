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

struct BatchNormOptions {
  double eps = 1e-5;
  std::optional<double> momentum = 0.1;  // nullopt: cumulative moving average
  bool affine = true;
  bool track_running_stats = true;
  DType dtype = DType::f32;
};

/// The normalisation as a function (torch.nn.functional.batch_norm), channels
/// on axis 1. In training, batch statistics are used and, if running_mean and
/// running_var are defined, updated in place with factor `momentum`; in
/// evaluation the running statistics are used. weight/bias may be undefined.
Var batch_norm(const Var& x, Tensor running_mean, Tensor running_var, const Var& weight,
               const Var& bias, bool training, double momentum = 0.1, double eps = 1e-5);

class BatchNorm : public UnaryModule {
 public:
  Var forward(const Var& x) override;

  /// Undefined without affine.
  const Var& weight() const { return weight_; }
  const Var& bias() const { return bias_; }
  /// Undefined without track_running_stats.
  const Tensor& running_mean() const { return running_mean_; }
  const Tensor& running_var() const { return running_var_; }
  std::int64_t num_batches_tracked() const;
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
