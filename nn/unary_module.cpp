#include "nn/unary_module.hpp"

#include "tensor/error.hpp"

namespace tg::nn::detail {

void check_input_dtype(const char* layer, const Var& x, DType expected) {
  if (!x.defined()) fail(layer, ": the input is undefined");
  if (x.dtype() != expected)
    fail(layer, ": input dtype ", dtype_name(x.dtype()), " does not match the layer's parameters (",
         dtype_name(expected), "); build the layer with options.dtype = ", dtype_name(x.dtype()),
         " or cast the input");
}

}  // namespace tg::nn::detail
