// nn/gru.hpp — a GRU over a whole sequence (torch.nn.GRU).
//
// Runs gru_cell (nn/recurrent.hpp) at every time step and, with
// num_layers > 1, feeds each layer's h_t to the next layer as its input.
//
//   tg::nn::GRU gru(3, 16, {.batch_first = true, .seed = 0});
//   auto [output, h_n] = gru.forward(x);          // x [N, T, 3]
//   // output [N, T, 16]; h_n [1, N, 16]
//
// Shapes: input [T, N, I] ([N, T, I] with batch_first), h0 [num_layers, N, H]
// or undefined for zeros -> output [T, N, H] ([N, T, H] with batch_first),
// h_n [num_layers, N, H].
// Parameters, for each layer k (PyTorch's names, gate order r, z, n):
// weight_ih_lk [3H, I] (I = H above the first layer), weight_hh_lk [3H, H],
// bias_ih_lk [3H], bias_hh_lk [3H], all ~ U(-1/sqrt(H), 1/sqrt(H)).
// Not supported: bidirectional, dropout between layers, packed sequences.
// Throws: sizes < 1, num_layers < 1, an input or h0 of the wrong shape or dtype.
#pragma once

#include "nn/recurrent.hpp"
#include "nn/rnn.hpp"

namespace tg::nn {

/// Options of GRU beyond the two sizes.
struct GRUOptions {
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

/// A GRU over a whole sequence (torch.nn.GRU).
///
/// Runs gru_cell at every time step and, with num_layers > 1, feeds each
/// layer's h_t to the next layer as its input.
/// Shapes: input [T, N, I] ([N, T, I] with batch_first), h0 [num_layers, N, H]
/// or undefined for zeros -> output [T, N, H] ([N, T, H] with batch_first),
/// h_n [num_layers, N, H].
/// Parameters, for each layer k (PyTorch's names, gate order r, z, n):
/// weight_ih_lk [3H, I] (I = H above the first layer), weight_hh_lk [3H, H]
/// (role weight), bias_ih_lk [3H], bias_hh_lk [3H] (role bias), all
/// ~ U(-1/sqrt(H), 1/sqrt(H)).
/// Not supported: bidirectional, dropout between layers, packed sequences.
class GRU : public RecurrentModule {
 public:
  /// Registers and initialises every layer's weights. Throws tg::Error if
  /// input_size, hidden_size or options.num_layers < 1, or options.dtype is
  /// not f32 or f64.
  GRU(std::int64_t input_size, std::int64_t hidden_size, const GRUOptions& options = {});

  /// Returns the same pair as RNN (nn/rnn.hpp): output and h_n.
  ///
  /// An undefined h0 means zeros. Throws tg::Error if input is undefined,
  /// not 3-d with last axis input_size, has no time steps or is not of the
  /// layer's dtype, or h0 is defined and not [num_layers, N, hidden_size] of
  /// the layer's dtype.
  RNNOutput forward(const Var& input, const Var& h0 = Var()) const;
  /// The same as forward(input, h0).
  RNNOutput operator()(const Var& input, const Var& h0 = Var()) const { return forward(input, h0); }

  /// The weights of layer `layer` (0 is the one that sees the input).
  /// Throws tg::Error if there is no such layer.
  const RecurrentWeights& weights(std::int64_t layer = 0) const;
  /// The options the layer was built with, except that `generator` is reset
  /// to null (the layer does not keep it).
  const GRUOptions& options() const { return options_; }

 private:
  GRUOptions options_;
  std::vector<RecurrentWeights> layers_;
};

}  // namespace tg::nn
