#include "nn/tanh.hpp"

#include "autodiff/functional.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

Var Tanh::forward(const Var& x) {
  if (!x.defined()) fail("Tanh: the input is undefined");
  return tanh(x);
}

}  // namespace tg::nn
