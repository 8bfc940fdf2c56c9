// nn/tanh.hpp — tanh(x) as a module (torch.nn.Tanh), for Sequential.
//
//   tg::nn::Sequential net;
//   net.push_back(std::make_shared<tg::nn::Tanh>());
//
// Elementwise, any shape; no parameters. Wraps tg::tanh (autodiff/functional.hpp).
#pragma once

#include "nn/unary_module.hpp"

namespace tg::nn {

class Tanh : public UnaryModule {
 public:
  Var forward(const Var& x) override;
};

}  // namespace tg::nn
