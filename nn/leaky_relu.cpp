#include "nn/leaky_relu.hpp"

#include <cmath>

#include "autodiff/functional.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

LeakyReLU::LeakyReLU(double negative_slope) : negative_slope_(negative_slope) {
  if (!std::isfinite(negative_slope))
    fail("LeakyReLU: negative_slope must be finite, got ", negative_slope);
}

Var LeakyReLU::forward(const Var& x) {
  if (!x.defined()) fail("LeakyReLU: the input is undefined");
  return leaky_relu(x, negative_slope_);
}

}  // namespace tg::nn
