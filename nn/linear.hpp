// nn/linear.hpp — a fully connected layer, y = x W^T + b (torch.nn.Linear).
//
//   tg::nn::Linear fc(784, 128);                       // weight [128, 784], bias [128]
//   tg::Var y = fc(x);                                 // x [..., 784] -> y [..., 128]
//   tg::nn::Linear head(128, 10, {.bias = false, .seed = 7});
//
// Shapes: x [..., in_features] with any number of leading batch axes
// (a 1-d x is a single sample) -> [..., out_features].
// Parameters: "weight" [out, in] (role weight), "bias" [out] (role bias).
// Initial values, as PyTorch's: weight ~ kaiming_uniform_(a = sqrt(5)),
// i.e. U(-1/sqrt(in), 1/sqrt(in)); bias ~ U(-1/sqrt(in), 1/sqrt(in)).
// Throws: a 0-d input, a last axis other than in_features, a dtype other
// than the layer's, in_features or out_features < 1.
#pragma once

#include <cstdint>
#include <optional>

#include "nn/unary_module.hpp"
#include "tensor/random.hpp"

namespace tg::nn {

/// Options of Linear beyond the two sizes.
struct LinearOptions {
  bool bias = true;          ///< learn an additive bias [out_features] (default true)
  DType dtype = DType::f32;  ///< dtype of the parameters, and so of the inputs (default f32)
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  /// Seed of a fresh Generator for the initial values, used when `generator`
  /// is null; nullopt (default): tg::default_generator().
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// The layer as a function (torch.nn.functional.linear): x W^T + b, with an
/// undefined bias meaning none.
///
/// Shapes: x [..., in], weight [out, in], bias [out] -> [..., out].
/// Throws tg::Error if x or weight is undefined, weight is not 2-d, x is
/// 0-d or its last axis is not in, or bias is defined with a shape other than [out].
Var linear(const Var& x, const Var& weight, const Var& bias = Var());

/// A fully connected layer, y = x W^T + b (torch.nn.Linear).
///
/// Shapes: x [..., in_features], with any number of leading batch axes (a
/// 1-d x is a single sample) -> y [..., out_features].
/// Parameters: "weight" [out_features, in_features] (role weight) and, with
/// options.bias, "bias" [out_features] (role bias). Initial values as
/// PyTorch's: weight ~ kaiming_uniform_ with a = sqrt(5), which is
/// U(-1/sqrt(in_features), 1/sqrt(in_features)); bias ~ the same U.
class Linear : public UnaryModule {
 public:
  /// Registers and initialises the parameters. Throws tg::Error if
  /// in_features or out_features < 1, or (from the initializer) if
  /// options.dtype is not floating.
  Linear(std::int64_t in_features, std::int64_t out_features, const LinearOptions& options = {});

  /// x W^T + b: [..., in_features] -> [..., out_features]. Throws tg::Error
  /// if x is undefined, its dtype is not the layer's, it is 0-d, or its last
  /// axis is not in_features.
  Var forward(const Var& x) override;

  /// The weight W, [out_features, in_features].
  const Var& weight() const { return weight_; }
  /// The bias b, [out_features]; undefined when built with bias = false.
  const Var& bias() const { return bias_; }
  /// The size of each input sample (the last axis of x).
  std::int64_t in_features() const { return in_features_; }
  /// The size of each output sample.
  std::int64_t out_features() const { return out_features_; }

 private:
  std::int64_t in_features_, out_features_;
  Var weight_, bias_;
};

}  // namespace tg::nn
