// nn/batch_norm2d.hpp — batch normalisation of [N, C, H, W] inputs (torch.nn.BatchNorm2d).
//
//   tg::nn::BatchNorm2d bn(64);                   // x [32, 64, 28, 28]
//   tg::nn::BatchNorm2d bn2(64, {.momentum = 0.01, .affine = false});
//
// x [N, C, H, W]: statistics over N, H and W for each of C channels.
// Formulas, parameters, buffers and errors: nn/batch_norm.hpp.
#pragma once

#include "nn/batch_norm.hpp"

namespace tg::nn {

/// Batch normalisation of [N, C, H, W] inputs (torch.nn.BatchNorm2d).
///
/// Statistics over N, H and W for each of the C channels; formulas,
/// parameters, buffers and errors are those of BatchNorm.
class BatchNorm2d : public BatchNorm {
 public:
  /// C = num_features. Throws tg::Error if num_features < 1, options.eps is
  /// not > 0, or options.momentum is set and outside [0, 1].
  explicit BatchNorm2d(std::int64_t num_features, const BatchNormOptions& options = {});
};

}  // namespace tg::nn
