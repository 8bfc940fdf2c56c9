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

struct GRUOptions {
  std::int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  DType dtype = DType::f32;
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  std::optional<std::uint64_t> seed = std::nullopt;
};

class GRU : public RecurrentModule {
 public:
  GRU(std::int64_t input_size, std::int64_t hidden_size, const GRUOptions& options = {});

  /// Returns the same pair as RNN (nn/rnn.hpp): output and h_n.
  RNNOutput forward(const Var& input, const Var& h0 = Var()) const;
  RNNOutput operator()(const Var& input, const Var& h0 = Var()) const { return forward(input, h0); }

  /// The weights of layer `layer` (0 is the one that sees the input).
  const RecurrentWeights& weights(std::int64_t layer = 0) const;
  const GRUOptions& options() const { return options_; }

 private:
  GRUOptions options_;
  std::vector<RecurrentWeights> layers_;
};

}  // namespace tg::nn
