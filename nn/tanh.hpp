// nn/tanh.hpp — tanh(x) as a module (torch.nn.Tanh), for Sequential.
//
//   tg::nn::Sequential net;
//   net.push_back(std::make_shared<tg::nn::Tanh>());
//
// Elementwise, any shape; no parameters. Wraps tg::tanh (autodiff/functional.hpp).
#pragma once

#include "nn/unary_module.hpp"

namespace tg::nn {

/// tanh(x) elementwise (torch.nn.Tanh); no parameters.
///
/// Any shape, output of the same shape. Wraps tg::tanh.
class Tanh : public UnaryModule {
 public:
  /// tanh(x), same shape as x. Throws if x is undefined.
  Var forward(const Var& x) override;
};

}  // namespace tg::nn
