// nn/lstm.hpp — an LSTM over a whole sequence (torch.nn.LSTM).
//
// Runs lstm_cell (nn/recurrent.hpp) at every time step and, with
// num_layers > 1, feeds each layer's h_t to the next layer as its input.
//
//   tg::nn::LSTM lstm(3, 16, {.seed = 0});
//   tg::nn::LSTMOutput out = lstm.forward(x);     // x [T, N, 3]
//   // out.output [T, N, 16], out.h_n and out.c_n [1, N, 16]
//
// Shapes: input [T, N, I] ([N, T, I] with batch_first); initial state
// {h0, c0}, each [num_layers, N, H] or undefined for zeros -> output
// [T, N, H] ([N, T, H] with batch_first), h_n and c_n [num_layers, N, H].
// Parameters, for each layer k (PyTorch's names, gate order i, f, g, o):
// weight_ih_lk [4H, I] (I = H above the first layer), weight_hh_lk [4H, H],
// bias_ih_lk [4H], bias_hh_lk [4H], all ~ U(-1/sqrt(H), 1/sqrt(H)).
// Not supported: bidirectional, dropout between layers, proj_size.
// Throws: sizes < 1, num_layers < 1, an input or state of the wrong shape or dtype.
#pragma once

#include "nn/recurrent.hpp"

namespace tg::nn {

struct LSTMOptions {
  std::int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  DType dtype = DType::f32;
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  std::optional<std::uint64_t> seed = std::nullopt;
};

struct LSTMOutput {
  Var output;  // [T, N, H]: the last layer's h at every step
  Var h_n;     // [num_layers, N, H]: every layer's h after the last step
  Var c_n;     // [num_layers, N, H]: every layer's c after the last step
};

class LSTM : public RecurrentModule {
 public:
  LSTM(std::int64_t input_size, std::int64_t hidden_size, const LSTMOptions& options = {});

  /// `state` holds h0 and c0, each [num_layers, N, H] or undefined.
  LSTMOutput forward(const Var& input, const LSTMState& state = {}) const;
  LSTMOutput operator()(const Var& input, const LSTMState& state = {}) const {
    return forward(input, state);
  }

  /// The weights of layer `layer` (0 is the one that sees the input).
  const RecurrentWeights& weights(std::int64_t layer = 0) const;
  const LSTMOptions& options() const { return options_; }

 private:
  LSTMOptions options_;
  std::vector<RecurrentWeights> layers_;
};

}  // namespace tg::nn
