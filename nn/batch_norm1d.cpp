#include "nn/batch_norm1d.hpp"

namespace tg::nn {

BatchNorm1d::BatchNorm1d(std::int64_t num_features, const BatchNormOptions& options)
    : BatchNorm("BatchNorm1d", {2, 3}, "[N, C] or [N, C, L]", num_features, options) {}

}  // namespace tg::nn
