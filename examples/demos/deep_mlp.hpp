// examples/demos/deep_mlp.hpp — exploding and vanishing gradients at
// initialisation, and why the cure is the initialisation, not clipping.
//
// A deep ReLU MLP, h_l = relu(h_{l−1} W_l^T) with W_l ~ N(0, gain² / width)
// and no biases. A ReLU keeps half of its input's second moment, so each
// layer multiplies the squared norm of the signal, forwards and backwards,
// by about c = gain² / 2. The gradient that reaches layer l from the output
// therefore scales like c^((depth − l)/2): it explodes towards the input for
// gain > √2 and vanishes for gain < √2. Kaiming (He et al. 2015) picks
// gain = √2, c = 1, and every layer sees a gradient of the same size.
// Clipping rescales *all* layers by one factor, so it cannot fix the ratio
// between the first and the last layer; only the initialisation can.
//
// The loss is L = mean_n <out_n, r> with a fixed random direction r, so the
// gradient at the output has the same size for every gain.
#pragma once

#include <cstdint>
#include <vector>

namespace demos {

struct DeepMlpOptions {
  std::int64_t depth = 30;
  std::int64_t width = 32;
  std::int64_t batch = 64;
  double gain = 1.4142135623730951;
  std::uint64_t seed = 0;
};

struct DeepMlpGradients {
  /// ‖∂L/∂h_l‖ for l = 1..depth: the gradient reaching each layer's output.
  std::vector<double> activation_grad_norm;
  /// ‖∂L/∂W_l‖ for l = 1..depth.
  std::vector<double> weight_grad_norm;
  double total_grad_norm = 0;  // over all weights together
};

DeepMlpGradients deep_mlp_gradients(const DeepMlpOptions& options);

}  // namespace demos
