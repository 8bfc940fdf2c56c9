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

struct RNNOptions {
  std::int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  RNNNonlinearity nonlinearity = RNNNonlinearity::tanh;
  DType dtype = DType::f32;
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// What RNN and GRU return.
struct RNNOutput {
  Var output;  // [T, N, H]: the last layer's hidden state at every step
  Var h_n;     // [num_layers, N, H]: every layer's hidden state after the last step
};

class RNN : public RecurrentModule {
 public:
  RNN(std::int64_t input_size, std::int64_t hidden_size, const RNNOptions& options = {});

  RNNOutput forward(const Var& input, const Var& h0 = Var()) const;
  RNNOutput operator()(const Var& input, const Var& h0 = Var()) const { return forward(input, h0); }

  /// The weights of layer `layer` (0 is the one that sees the input).
  const RecurrentWeights& weights(std::int64_t layer = 0) const;
  const RNNOptions& options() const { return options_; }

 private:
  RNNOptions options_;
  std::vector<RecurrentWeights> layers_;
};

}  // namespace tg::nn
