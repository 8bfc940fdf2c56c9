// nn/gelu.hpp — gelu(x) = x Phi(x) as a module (torch.nn.GELU), for Sequential.
//
//   tg::nn::Sequential net;
//   net.push_back(std::make_shared<tg::nn::GELU>());
//
// Elementwise, any shape; no parameters. Wraps tg::gelu (autodiff/functional.hpp).
// Note: this is the tanh approximation
//   0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
// i.e. PyTorch's GELU(approximate='tanh'); it differs from the exact erf
// form (PyTorch's default) by at most 4.8e-4 (Hendrycks & Gimpel 2016).
#pragma once

#include "nn/unary_module.hpp"

namespace tg::nn {

/// gelu(x) = x Phi(x) elementwise, in its tanh approximation (torch.nn.GELU(approximate='tanh')).
///
///     gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
///
/// This differs from the exact erf form (PyTorch's default) by at most
/// 4.8e-4 (Hendrycks & Gimpel 2016). Any shape, output of the same shape; no
/// parameters. Wraps tg::gelu.
class GELU : public UnaryModule {
 public:
  /// The tanh-approximated gelu of x, same shape as x. Throws if x is undefined.
  Var forward(const Var& x) override;
};

}  // namespace tg::nn
