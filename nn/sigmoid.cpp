#include "nn/sigmoid.hpp"

#include "autodiff/functional.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

Var Sigmoid::forward(const Var& x) {
  if (!x.defined()) fail("Sigmoid: the input is undefined");
  return sigmoid(x);
}

}  // namespace tg::nn
