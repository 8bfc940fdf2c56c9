// nn/unary_module.hpp — a module that maps one Var to one Var.
//
// Most layers take one input and return one output: Linear, Conv2d,
// activations, normalisations, dropout. They derive from UnaryModule, so a
// Sequential (nn/sequential.hpp) can chain them without knowing their types,
// and so can any container a user writes:
//
//   std::shared_ptr<tg::nn::UnaryModule> layer = std::make_shared<tg::nn::ReLU>();
//   tg::Var y = (*layer)(x);   // same as layer->forward(x)
//
// Modules with other signatures (an RNN returning a state, a loss of two
// inputs) derive from Module directly.
#pragma once

#include "autodiff/var.hpp"
#include "nn/module.hpp"

namespace tg::nn {

/// A Module that maps one Var to one Var: the interface Sequential chains.
///
/// Linear, Conv2d, the activations, the normalisations, Dropout, the pools
/// and Flatten derive from it; modules with other signatures (Embedding takes
/// a Tensor of indices, the recurrent layers return states) derive from
/// Module directly.
class UnaryModule : public Module {
 public:
  /// Applies the module to `x`; each layer documents its shapes and errors.
  virtual Var forward(const Var& x) = 0;
  /// The same as forward(x).
  Var operator()(const Var& x) { return forward(x); }
};

namespace detail {
/// Throws "`layer`: input dtype f64 does not match the layer's parameters
/// (f32)..." when a layer built for one dtype receives another.
void check_input_dtype(const char* layer, const Var& x, DType expected);
}  // namespace detail

}  // namespace tg::nn
