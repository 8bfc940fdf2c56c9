// nn/leaky_relu.hpp — leaky ReLU as a module (torch.nn.LeakyReLU), for Sequential.
//
//   tg::nn::LeakyReLU act(0.2);
//
// y = x for x > 0, negative_slope * x otherwise; elementwise, any shape, no
// parameters. Wraps tg::leaky_relu (autodiff/functional.hpp).
// Throws: a non-finite negative_slope.
#pragma once

#include "nn/unary_module.hpp"

namespace tg::nn {

class LeakyReLU : public UnaryModule {
 public:
  explicit LeakyReLU(double negative_slope = 0.01);

  Var forward(const Var& x) override;

  double negative_slope() const { return negative_slope_; }

 private:
  double negative_slope_;
};

}  // namespace tg::nn
