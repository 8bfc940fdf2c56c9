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

class ReLU : public UnaryModule {
 public:
  Var forward(const Var& x) override;
};

}  // namespace tg::nn
