#include "nn/batch_norm2d.hpp"

namespace tg::nn {

BatchNorm2d::BatchNorm2d(std::int64_t num_features, const BatchNormOptions& options)
    : BatchNorm("BatchNorm2d", {4}, "[N, C, H, W]", num_features, options) {}

}  // namespace tg::nn
