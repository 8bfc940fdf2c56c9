#include "nn/gelu.hpp"

#include "autodiff/functional.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

Var GELU::forward(const Var& x) {
  if (!x.defined()) fail("GELU: the input is undefined");
  return gelu(x);
}

}  // namespace tg::nn
