#include "nn/softplus.hpp"

#include <cmath>

#include "autodiff/functional.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

Softplus::Softplus(double beta) : beta_(beta) {
  if (!(beta > 0) || !std::isfinite(beta)) fail("Softplus: beta must be > 0 and finite, got ", beta);
}

Var Softplus::forward(const Var& x) {
  if (!x.defined()) fail("Softplus: the input is undefined");
  if (beta_ == 1.0) return softplus(x);  // skips two multiplications in the common case
  return softplus(x * beta_) / beta_;
}

}  // namespace tg::nn
