// nn/sigmoid.hpp — sigmoid(x) = 1 / (1 + e^-x) as a module (torch.nn.Sigmoid), for Sequential.
//
//   tg::nn::Sequential net;
//   net.push_back(std::make_shared<tg::nn::Sigmoid>());
//
// Elementwise, any shape; no parameters. Wraps tg::sigmoid (autodiff/functional.hpp).
#pragma once

#include "nn/unary_module.hpp"

namespace tg::nn {

/// sigmoid(x) = 1 / (1 + e^-x) elementwise (torch.nn.Sigmoid); no parameters.
///
/// Any shape, output of the same shape. Wraps tg::sigmoid.
class Sigmoid : public UnaryModule {
 public:
  /// 1 / (1 + e^-x), same shape as x. Throws if x is undefined.
  Var forward(const Var& x) override;
};

}  // namespace tg::nn
