// nn/sigmoid.hpp — sigmoid(x) = 1 / (1 + e^-x) as a module (torch.nn.Sigmoid), for Sequential.
//
//   tg::nn::Sequential net;
//   net.push_back(std::make_shared<tg::nn::Sigmoid>());
//
// Elementwise, any shape; no parameters. Wraps tg::sigmoid (autodiff/functional.hpp).
#pragma once

#include "nn/unary_module.hpp"

namespace tg::nn {

class Sigmoid : public UnaryModule {
 public:
  Var forward(const Var& x) override;
};

}  // namespace tg::nn
