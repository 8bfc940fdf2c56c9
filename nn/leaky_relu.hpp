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

/// Leaky ReLU elementwise (torch.nn.LeakyReLU); no parameters.
///
/// y = x for x > 0, negative_slope * x otherwise (so the derivative at 0 is
/// negative_slope). Any shape, output of the same shape. Wraps tg::leaky_relu.
class LeakyReLU : public UnaryModule {
 public:
  /// Throws tg::Error if negative_slope is not finite.
  explicit LeakyReLU(double negative_slope = 0.01);

  /// x where x > 0, negative_slope * x elsewhere; same shape as x. Throws if
  /// x is undefined.
  Var forward(const Var& x) override;

  /// The slope for x <= 0.
  double negative_slope() const { return negative_slope_; }

 private:
  double negative_slope_;
};

}  // namespace tg::nn
