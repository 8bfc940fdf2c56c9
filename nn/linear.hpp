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

struct LinearOptions {
  bool bias = true;
  DType dtype = DType::f32;
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// The layer as a function (torch.nn.functional.linear): x W^T + b, with an
/// undefined bias meaning none.
Var linear(const Var& x, const Var& weight, const Var& bias = Var());

class Linear : public UnaryModule {
 public:
  Linear(std::int64_t in_features, std::int64_t out_features, const LinearOptions& options = {});

  Var forward(const Var& x) override;

  const Var& weight() const { return weight_; }
  /// Undefined when built with bias = false.
  const Var& bias() const { return bias_; }
  std::int64_t in_features() const { return in_features_; }
  std::int64_t out_features() const { return out_features_; }

 private:
  std::int64_t in_features_, out_features_;
  Var weight_, bias_;
};

}  // namespace tg::nn
