#include "nn/relu.hpp"

#include "autodiff/functional.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

Var ReLU::forward(const Var& x) {
  if (!x.defined()) fail("ReLU: the input is undefined");
  return relu(x);
}

}  // namespace tg::nn
