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

/// Everything that defines a Conv2d; in_channels, out_channels and
/// kernel_size have no usable default and must be set.
struct Conv2dOptions {
  std::int64_t in_channels = 0;   ///< C_in, channels of the input (required, >= 1)
  std::int64_t out_channels = 0;  ///< C_out, channels of the output (required, >= 1)
  std::int64_t kernel_size = 0;   ///< k: square kernels k x k (required, >= 1)
  std::int64_t stride = 1;        ///< s, step between windows in both directions (>= 1, default 1)
  std::int64_t padding = 0;       ///< pad, zeros added on every side (>= 0, default 0)
  std::int64_t dilation = 1;      ///< d, spacing between kernel taps (>= 1, default 1)
  bool bias = true;               ///< learn a bias [C_out] (default true)
  DType dtype = DType::f32;       ///< dtype of the parameters, and so of the inputs (default f32)
  /// Where the initial values come from (see init::layer_generator).
  Generator* generator = nullptr;
  /// Seed of a fresh Generator for the initial values, used when `generator`
  /// is null; nullopt (default): tg::default_generator().
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// A 2-d convolution layer (torch.nn.Conv2d): a cross-correlation, as in every framework.
///
///     y[n, o, i, j] = b[o] + sum_{c, p, q} w[o, c, p, q] x[n, c, s i + d p - pad, s j + d q - pad]
///
/// with stride s, dilation d and zero padding pad, computed by tg::conv2d
/// (im2col + matmul).
/// Shapes: x [N, C_in, H, W] -> y [N, C_out, OH, OW] with
/// OH = (H + 2 pad - d (k - 1) - 1) / s + 1 (rounded down), OW likewise.
/// Parameters: "weight" [C_out, C_in, k, k] (role weight) and, with
/// options.bias, "bias" [C_out] (role bias). Initial values as PyTorch's:
/// both ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = C_in k^2 (for the
/// weight that is kaiming_uniform_ with a = sqrt(5)).
class Conv2d : public UnaryModule {
 public:
  /// Registers and initialises the parameters. Throws tg::Error if
  /// in_channels, out_channels, kernel_size, stride or dilation < 1 or
  /// padding < 0.
  explicit Conv2d(const Conv2dOptions& options);

  /// The convolution: [N, C_in, H, W] -> [N, C_out, OH, OW]. Throws tg::Error
  /// if x is undefined, its dtype is not the layer's, it is not 4-d or axis 1
  /// is not in_channels, or the dilated kernel is larger than the padded input.
  Var forward(const Var& x) override;

  /// The kernels, [C_out, C_in, k, k].
  const Var& weight() const { return weight_; }
  /// The bias, [C_out]; undefined when built with bias = false.
  const Var& bias() const { return bias_; }
  /// The options the layer was built with.
  const Conv2dOptions& options() const { return options_; }

 private:
  Conv2dOptions options_;
  Var weight_, bias_;
};

}  // namespace tg::nn
