// nn/layer_norm.hpp — normalises each sample over its last axes (torch.nn.LayerNorm).
//
//   tg::nn::LayerNorm ln({512});            // x [..., 512]
//   tg::nn::LayerNorm ln2({8, 8}, {.eps = 1e-6, .elementwise_affine = false});
//
// Over the trailing axes named by normalized_shape (Ba, Kiros & Hinton 2016):
//   mu = mean(x),  var = mean((x - mu)^2)   (biased, as PyTorch)
//   y  = (x - mu) / sqrt(var + eps) * weight + bias
// Built from primitives, so its gradient comes from the engine.
// Shapes: x [..., *normalized_shape] -> the same shape.
// Parameters (with elementwise_affine): "weight" (ones) and "bias" (zeros),
// both of normalized_shape, role norm (not decayed by default).
// Throws: an empty normalized_shape or a non-positive extent; an input
// whose trailing axes differ from normalized_shape; a dtype other than the layer's.
#pragma once

#include "nn/unary_module.hpp"
#include "tensor/shape.hpp"

namespace tg::nn {

struct LayerNormOptions {
  double eps = 1e-5;
  bool elementwise_affine = true;
  DType dtype = DType::f32;
};

/// The normalisation as a function (torch.nn.functional.layer_norm);
/// weight and bias may be undefined (no scale, no shift).
Var layer_norm(const Var& x, const Shape& normalized_shape, const Var& weight = Var(),
               const Var& bias = Var(), double eps = 1e-5);

class LayerNorm : public UnaryModule {
 public:
  explicit LayerNorm(Shape normalized_shape, const LayerNormOptions& options = {});

  Var forward(const Var& x) override;

  /// Undefined without elementwise_affine.
  const Var& weight() const { return weight_; }
  const Var& bias() const { return bias_; }
  const Shape& normalized_shape() const { return normalized_shape_; }

 private:
  Shape normalized_shape_;
  LayerNormOptions options_;
  Var weight_, bias_;
};

}  // namespace tg::nn
