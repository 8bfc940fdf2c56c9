// nn/softplus.hpp — a smooth ReLU as a module (torch.nn.Softplus), for Sequential.
//
//   tg::nn::Softplus act;          // beta = 1
//   tg::nn::Softplus sharp(10.0);  // closer to relu
//
// y = log(1 + e^(beta x)) / beta, computed stably for any x (tg::softplus);
// elementwise, any shape, no parameters. PyTorch's `threshold` (a switch to
// the identity for large beta x) is not needed: the stable form is exact there.
// Throws: beta <= 0 or not finite.
#pragma once

#include "nn/unary_module.hpp"

namespace tg::nn {

/// Softplus, a smooth ReLU, elementwise (torch.nn.Softplus); no parameters.
///
/// y = log(1 + e^(beta x)) / beta, computed stably for any x with tg::softplus
/// (no overflow for large beta x, so PyTorch's `threshold` is not needed).
/// Any shape, output of the same shape.
class Softplus : public UnaryModule {
 public:
  /// Throws tg::Error if beta <= 0 or beta is not finite.
  explicit Softplus(double beta = 1.0);

  /// log(1 + e^(beta x)) / beta, same shape as x. Throws if x is undefined.
  Var forward(const Var& x) override;

  /// The sharpness: larger beta is closer to relu.
  double beta() const { return beta_; }

 private:
  double beta_;
};

}  // namespace tg::nn
