// nn/relu.hpp — relu(x) = max(x, 0) as a module (torch.nn.ReLU), for Sequential.
//
//   tg::nn::Sequential net;
//   net.push_back(std::make_shared<tg::nn::ReLU>());
//
// Elementwise, any shape; no parameters. Wraps tg::relu (autodiff/functional.hpp).
// The derivative at 0 is taken to be 0.
#pragma once

#include "nn/unary_module.hpp"

namespace tg::nn {

/// relu(x) = max(x, 0) elementwise (torch.nn.ReLU); no parameters.
///
/// Any shape, output of the same shape; the derivative at 0 is taken to be 0.
/// Wraps tg::relu.
class ReLU : public UnaryModule {
 public:
  /// max(x, 0), same shape as x. Throws if x is undefined.
  Var forward(const Var& x) override;
};

}  // namespace tg::nn
