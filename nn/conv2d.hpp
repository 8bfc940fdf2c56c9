// nn/conv2d.hpp — a 2-d convolution layer (torch.nn.Conv2d).
//
//   tg::nn::Conv2d conv({.in_channels = 3, .out_channels = 16, .kernel_size = 3, .padding = 1});
//   tg::Var y = conv(x);   // x [N, 3, H, W] -> y [N, 16, H, W]
//
// Computes the cross-correlation (as every framework does)
//   y[n, o, i, j] = b[o] + sum_{c, p, q} w[o, c, p, q] * x[n, c, s i + d p - pad, s j + d q - pad]
// with stride s, dilation d and zero padding pad, via tg::conv2d (im2col + matmul).
// Shapes: x [N, C_in, H, W] -> [N, C_out, OH, OW], OH = (H + 2 pad - d (k-1) - 1) / s + 1.
// Parameters: "weight" [C_out, C_in, k, k] (role weight), "bias" [C_out] (role bias).
// Initial values, as PyTorch's: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for both,
// fan_in = C_in k^2 (kaiming_uniform_ with a = sqrt(5) for the weight).
// Throws: an input that is not 4-d or has the wrong channel count, a dtype
// other than the layer's, non-positive sizes, a kernel larger than the padded input.
#pragma once

#include <cstdint>
#include <optional>

#include "nn/unary_module.hpp"
#include "tensor/random.hpp"

namespace tg::nn {

struct Conv2dOptions {
  std::int64_t in_channels = 0;
  std::int64_t out_channels = 0;
  std::int64_t kernel_size = 0;  // square kernels
  std::int64_t stride = 1;
  std::int64_t padding = 0;
  std::int64_t dilation = 1;
  bool bias = true;
  DType dtype = DType::f32;
  /// Where the initial values come from (see init::layer_generator).
  Generator* generator = nullptr;
  std::optional<std::uint64_t> seed = std::nullopt;
};

class Conv2d : public UnaryModule {
 public:
  explicit Conv2d(const Conv2dOptions& options);

  Var forward(const Var& x) override;

  const Var& weight() const { return weight_; }
  /// Undefined when built with bias = false.
  const Var& bias() const { return bias_; }
  const Conv2dOptions& options() const { return options_; }

 private:
  Conv2dOptions options_;
  Var weight_, bias_;
};

}  // namespace tg::nn
