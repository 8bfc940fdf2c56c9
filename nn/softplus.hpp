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

class Softplus : public UnaryModule {
 public:
  explicit Softplus(double beta = 1.0);

  Var forward(const Var& x) override;

  double beta() const { return beta_; }

 private:
  double beta_;
};

}  // namespace tg::nn
