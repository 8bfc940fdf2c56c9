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

/// Options of LSTM beyond the two sizes.
struct LSTMOptions {
  std::int64_t num_layers = 1;  ///< stacked layers, >= 1 (default 1)
  bool bias = true;             ///< learn bias_ih_lk and bias_hh_lk (default true)
  bool batch_first = false;     ///< input, output [N, T, ...], not [T, N, ...] (default false)
  DType dtype = DType::f32;     ///< dtype of the weights, states and inputs: f32 (default) or f64
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  /// Seed of a fresh Generator for the initial values, used when `generator`
  /// is null; nullopt (default): tg::default_generator().
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// What LSTM returns.
struct LSTMOutput {
  Var output;  ///< [T, N, H] ([N, T, H] with batch_first): the last layer's h at every step
  Var h_n;     ///< [num_layers, N, H]: every layer's h after the last step
  Var c_n;     ///< [num_layers, N, H]: every layer's c after the last step
};

/// An LSTM over a whole sequence (torch.nn.LSTM).
///
/// Runs lstm_cell at every time step and, with num_layers > 1, feeds each
/// layer's h_t to the next layer as its input.
/// Shapes: input [T, N, I] ([N, T, I] with batch_first); initial state
/// {h0, c0}, each [num_layers, N, H] or undefined for zeros -> output
/// [T, N, H] ([N, T, H] with batch_first), h_n and c_n [num_layers, N, H].
/// Parameters, for each layer k (PyTorch's names, gate order i, f, g, o):
/// weight_ih_lk [4H, I] (I = H above the first layer), weight_hh_lk [4H, H]
/// (role weight), bias_ih_lk [4H], bias_hh_lk [4H] (role bias), all
/// ~ U(-1/sqrt(H), 1/sqrt(H)).
/// Not supported: bidirectional, dropout between layers, proj_size.
class LSTM : public RecurrentModule {
 public:
  /// Registers and initialises every layer's weights. Throws tg::Error if
  /// input_size, hidden_size or options.num_layers < 1, or options.dtype is
  /// not f32 or f64.
  LSTM(std::int64_t input_size, std::int64_t hidden_size, const LSTMOptions& options = {});

  /// `state` holds h0 and c0, each [num_layers, N, H] or undefined.
  ///
  /// Returns {output, h_n, c_n} (shapes above). Throws tg::Error if input is
  /// undefined, not 3-d with last axis input_size, has no time steps or is
  /// not of the layer's dtype, or a defined h0 or c0 is not
  /// [num_layers, N, hidden_size] of the layer's dtype.
  LSTMOutput forward(const Var& input, const LSTMState& state = {}) const;
  /// The same as forward(input, state).
  LSTMOutput operator()(const Var& input, const LSTMState& state = {}) const {
    return forward(input, state);
  }

  /// The weights of layer `layer` (0 is the one that sees the input).
  /// Throws tg::Error if there is no such layer.
  const RecurrentWeights& weights(std::int64_t layer = 0) const;
  /// The options the layer was built with, except that `generator` is reset
  /// to null (the layer does not keep it).
  const LSTMOptions& options() const { return options_; }

 private:
  LSTMOptions options_;
  std::vector<RecurrentWeights> layers_;
};

}  // namespace tg::nn
