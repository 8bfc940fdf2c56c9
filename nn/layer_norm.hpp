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

/// Options of LayerNorm.
struct LayerNormOptions {
  double eps = 1e-5;               ///< added to the variance, > 0 (default 1e-5)
  bool elementwise_affine = true;  ///< learn a scale "weight" and a shift "bias" (default true)
  DType dtype = DType::f32;        ///< dtype of the parameters, and so of the inputs (default f32)
};

/// The normalisation as a function (torch.nn.functional.layer_norm);
/// weight and bias may be undefined (no scale, no shift).
///
/// y = (x - mean) / sqrt(var + eps) * weight + bias over the trailing axes
/// named by normalized_shape (biased variance). Shapes: x [..., *normalized_shape]
/// -> the same shape. Throws tg::Error if x is undefined, normalized_shape is
/// empty, or x's shape does not end in normalized_shape.
Var layer_norm(const Var& x, const Shape& normalized_shape, const Var& weight = Var(),
               const Var& bias = Var(), double eps = 1e-5);

/// Normalises each sample over its last axes (torch.nn.LayerNorm; Ba, Kiros & Hinton 2016).
///
/// Over the trailing axes named by normalized_shape:
///
///     mu = mean(x),  var = mean((x - mu)^2)   (biased, as PyTorch)
///     y  = (x - mu) / sqrt(var + eps) * weight + bias
///
/// Built from primitives, so its gradient comes from the engine.
/// Shapes: x [..., *normalized_shape] -> the same shape.
/// Parameters (with elementwise_affine): "weight" (ones) and "bias" (zeros),
/// both of normalized_shape, role norm (not decayed by default).
class LayerNorm : public UnaryModule {
 public:
  /// Throws tg::Error if normalized_shape is empty or has an extent < 1, or
  /// options.eps is not > 0.
  explicit LayerNorm(Shape normalized_shape, const LayerNormOptions& options = {});

  /// The normalised x, same shape. Throws tg::Error if x is undefined, its
  /// shape does not end in normalized_shape, or (with elementwise_affine)
  /// its dtype is not the layer's.
  Var forward(const Var& x) override;

  /// The scale, of normalized_shape; undefined without elementwise_affine.
  const Var& weight() const { return weight_; }
  /// The shift, of normalized_shape; undefined without elementwise_affine.
  const Var& bias() const { return bias_; }
  /// The trailing axes that are normalised.
  const Shape& normalized_shape() const { return normalized_shape_; }

 private:
  Shape normalized_shape_;
  LayerNormOptions options_;
  Var weight_, bias_;
};

}  // namespace tg::nn
