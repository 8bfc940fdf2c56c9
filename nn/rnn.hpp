// nn/rnn.hpp — an Elman RNN over a whole sequence (torch.nn.RNN).
//
// Runs rnn_cell (nn/recurrent.hpp) at every time step t = 0..T-1 and, with
// num_layers > 1, feeds each layer's outputs to the next:
//
//   h_t^l = act(x_t^l W_ih^T + b_ih + h_{t-1}^l W_hh^T + b_hh),   x_t^{l+1} = h_t^l
//
//   tg::nn::RNN rnn(3, 16, {.num_layers = 2, .seed = 0});
//   auto [output, h_n] = rnn.forward(x);          // x [T, N, 3]
//   // output [T, N, 16]: the top layer's h_t; h_n [2, N, 16]: each layer's last h
//
// Shapes: input [T, N, I] ([N, T, I] with batch_first), h0 [num_layers, N, H]
// or undefined for zeros -> output [T, N, H] ([N, T, H] with batch_first),
// h_n [num_layers, N, H] (never batch-first, as in PyTorch).
// Parameters, for each layer k (PyTorch's names): weight_ih_lk [H, I] (I = H
// above the first layer), weight_hh_lk [H, H], bias_ih_lk [H], bias_hh_lk [H],
// all ~ U(-1/sqrt(H), 1/sqrt(H)), drawn layer by layer in that order.
// Not supported: bidirectional, dropout between layers, packed sequences.
// Throws: sizes < 1, num_layers < 1, an input or h0 of the wrong shape or dtype.
#pragma once

#include "nn/recurrent.hpp"

namespace tg::nn {

/// Options of RNN beyond the two sizes.
struct RNNOptions {
  std::int64_t num_layers = 1;  ///< stacked layers, >= 1 (default 1)
  bool bias = true;             ///< learn bias_ih_lk and bias_hh_lk (default true)
  bool batch_first = false;     ///< input, output [N, T, ...], not [T, N, ...] (default false)
  RNNNonlinearity nonlinearity = RNNNonlinearity::tanh;  ///< act: tanh (default) or relu
  DType dtype = DType::f32;     ///< dtype of the weights, states and inputs: f32 (default) or f64
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  /// Seed of a fresh Generator for the initial values, used when `generator`
  /// is null; nullopt (default): tg::default_generator().
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// What RNN and GRU return.
struct RNNOutput {
  Var output;  ///< [T, N, H] ([N, T, H] if batch_first): the last layer's h at every step
  Var h_n;     ///< [num_layers, N, H]: every layer's hidden state after the last step
};

/// An Elman RNN over a whole sequence (torch.nn.RNN).
///
/// Runs rnn_cell at every time step t = 0..T-1 and, with num_layers > 1,
/// feeds each layer's outputs to the next:
///
///     h_t^l = act(x_t^l W_ih^T + b_ih + h_{t-1}^l W_hh^T + b_hh),   x_t^{l+1} = h_t^l
///
/// Shapes: input [T, N, I] ([N, T, I] with batch_first), h0 [num_layers, N, H]
/// or undefined for zeros -> output [T, N, H] ([N, T, H] with batch_first),
/// h_n [num_layers, N, H] (never batch-first, as in PyTorch).
/// Parameters, for each layer k (PyTorch's names): weight_ih_lk [H, I] (I = H
/// above the first layer), weight_hh_lk [H, H] (role weight), bias_ih_lk [H],
/// bias_hh_lk [H] (role bias), all ~ U(-1/sqrt(H), 1/sqrt(H)), drawn layer by
/// layer in that order.
/// Not supported: bidirectional, dropout between layers, packed sequences.
class RNN : public RecurrentModule {
 public:
  /// Registers and initialises every layer's weights. Throws tg::Error if
  /// input_size, hidden_size or options.num_layers < 1, or options.dtype is
  /// not f32 or f64.
  RNN(std::int64_t input_size, std::int64_t hidden_size, const RNNOptions& options = {});

  /// The whole sequence: {output, h_n} (shapes above); an undefined h0 means
  /// zeros. Throws tg::Error if input is undefined, not 3-d with last axis
  /// input_size, has no time steps or is not of the layer's dtype, or h0 is
  /// defined and not [num_layers, N, hidden_size] of the layer's dtype.
  RNNOutput forward(const Var& input, const Var& h0 = Var()) const;
  /// The same as forward(input, h0).
  RNNOutput operator()(const Var& input, const Var& h0 = Var()) const { return forward(input, h0); }

  /// The weights of layer `layer` (0 is the one that sees the input).
  /// Throws tg::Error if there is no such layer.
  const RecurrentWeights& weights(std::int64_t layer = 0) const;
  /// The options the layer was built with, except that `generator` is reset
  /// to null (the layer does not keep it).
  const RNNOptions& options() const { return options_; }

 private:
  RNNOptions options_;
  std::vector<RecurrentWeights> layers_;
};

}  // namespace tg::nn
