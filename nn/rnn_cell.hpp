// nn/rnn_cell.hpp — one step of an Elman RNN (torch.nn.RNNCell).
//
//   h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh),   act = tanh (default) or relu
//
//   tg::nn::RNNCell cell(10, 20, {.seed = 0});
//   tg::Var h;                                    // undefined: starts at zeros
//   for (const tg::Var& x : steps) h = cell.forward(x, h);
//
// Shapes: x [N, input_size], h [N, hidden_size] (or undefined for zeros)
// -> h' [N, hidden_size].
// Parameters (PyTorch's names): weight_ih [H, I], weight_hh [H, H] (role
// weight), bias_ih [H], bias_hh [H] (role bias), all ~ U(-1/sqrt(H), 1/sqrt(H)).
// To set them after construction (an identity recurrence, a checkpoint), see
// nn/recurrent.hpp.
// Throws: sizes < 1, an input that is not [N, input_size] or not of the
// layer's dtype, a state that is not [N, hidden_size].
#pragma once

#include "nn/recurrent.hpp"

namespace tg::nn {

/// Options of RNNCell beyond the two sizes.
struct RNNCellOptions {
  bool bias = true;          ///< learn bias_ih and bias_hh (default true)
  RNNNonlinearity nonlinearity = RNNNonlinearity::tanh;  ///< act: tanh (default) or relu
  DType dtype = DType::f32;  ///< dtype of the weights, states and inputs: f32 (default) or f64
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  /// Seed of a fresh Generator for the initial values, used when `generator`
  /// is null; nullopt (default): tg::default_generator().
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// One step of an Elman RNN (torch.nn.RNNCell).
///
///     h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh),   act = tanh (default) or relu
///
/// Shapes: x [N, input_size], h [N, hidden_size] (or undefined for zeros)
/// -> h' [N, hidden_size].
/// Parameters (PyTorch's names): "weight_ih" [H, I], "weight_hh" [H, H] (role
/// weight), "bias_ih" [H], "bias_hh" [H] (role bias), all ~ U(-1/sqrt(H),
/// 1/sqrt(H)). To set them after construction see nn/recurrent.hpp.
class RNNCell : public RecurrentModule {
 public:
  /// Registers and initialises the weights. Throws tg::Error if input_size
  /// or hidden_size < 1 or options.dtype is not f32 or f64.
  RNNCell(std::int64_t input_size, std::int64_t hidden_size, const RNNCellOptions& options = {});

  /// h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), [N, hidden_size]; an
  /// undefined h means zeros. Throws tg::Error if x is undefined, not
  /// [N, input_size] or not of the layer's dtype, or h is defined and not
  /// [N, hidden_size] of the layer's dtype.
  Var forward(const Var& x, const Var& h = Var()) const;
  /// The same as forward(x, h).
  Var operator()(const Var& x, const Var& h = Var()) const { return forward(x, h); }

  /// W_ih, [H, input_size].
  const Var& weight_ih() const { return weights_.weight_ih; }
  /// W_hh, [H, hidden_size].
  const Var& weight_hh() const { return weights_.weight_hh; }
  /// b_ih, [H]; undefined when built with bias = false.
  const Var& bias_ih() const { return weights_.bias_ih; }
  /// b_hh, [H]; undefined when built with bias = false.
  const Var& bias_hh() const { return weights_.bias_hh; }
  /// All four, as the one-step function rnn_cell() takes them.
  const RecurrentWeights& weights() const { return weights_; }
  /// The options the layer was built with, except that `generator` is reset
  /// to null (the layer does not keep it).
  const RNNCellOptions& options() const { return options_; }

 private:
  RNNCellOptions options_;
  RecurrentWeights weights_;
};

}  // namespace tg::nn
