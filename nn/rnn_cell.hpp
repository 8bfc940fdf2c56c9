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

struct RNNCellOptions {
  bool bias = true;
  RNNNonlinearity nonlinearity = RNNNonlinearity::tanh;
  DType dtype = DType::f32;
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  std::optional<std::uint64_t> seed = std::nullopt;
};

class RNNCell : public RecurrentModule {
 public:
  RNNCell(std::int64_t input_size, std::int64_t hidden_size, const RNNCellOptions& options = {});

  Var forward(const Var& x, const Var& h = Var()) const;
  Var operator()(const Var& x, const Var& h = Var()) const { return forward(x, h); }

  const Var& weight_ih() const { return weights_.weight_ih; }
  const Var& weight_hh() const { return weights_.weight_hh; }
  /// Undefined when built with bias = false.
  const Var& bias_ih() const { return weights_.bias_ih; }
  const Var& bias_hh() const { return weights_.bias_hh; }
  const RecurrentWeights& weights() const { return weights_; }
  const RNNCellOptions& options() const { return options_; }

 private:
  RNNCellOptions options_;
  RecurrentWeights weights_;
};

}  // namespace tg::nn
