// nn/batch_norm1d.hpp — batch normalisation of [N, C] or [N, C, L] inputs (torch.nn.BatchNorm1d).
//
//   tg::nn::BatchNorm1d bn(64);                   // x [32, 64]
//   tg::nn::BatchNorm1d bn2(64, {.momentum = 0.01, .affine = false});
//
// x [N, C] or [N, C, L]: statistics over N (and L) for each of C features.
// Formulas, parameters, buffers and errors: nn/batch_norm.hpp.
#pragma once

#include "nn/batch_norm.hpp"

namespace tg::nn {

/// Batch normalisation of [N, C] or [N, C, L] inputs (torch.nn.BatchNorm1d).
///
/// Statistics over N (and L) for each of the C features; formulas,
/// parameters, buffers and errors are those of BatchNorm.
class BatchNorm1d : public BatchNorm {
 public:
  /// C = num_features. Throws tg::Error if num_features < 1, options.eps is
  /// not > 0, or options.momentum is set and outside [0, 1].
  explicit BatchNorm1d(std::int64_t num_features, const BatchNormOptions& options = {});
};

}  // namespace tg::nn
