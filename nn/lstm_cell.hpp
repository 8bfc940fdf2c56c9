// nn/lstm_cell.hpp — one step of a long short-term memory cell (torch.nn.LSTMCell).
//
//   [i, f, g, o] = x W_ih^T + b_ih + h W_hh^T + b_hh    (4 blocks of H)
//   c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
//   h' = sigmoid(o) * tanh(c')
//
//   tg::nn::LSTMCell cell(10, 20, {.seed = 0});
//   tg::nn::LSTMState s;                          // undefined h, c: zeros
//   for (const tg::Var& x : steps) s = cell.forward(x, s);
//
// Shapes: x [N, input_size], state.h and state.c [N, hidden_size] (either
// undefined for zeros) -> {h', c'}, both [N, hidden_size].
// Parameters (PyTorch's names and gate order i, f, g, o): weight_ih [4H, I],
// weight_hh [4H, H] (role weight), bias_ih [4H], bias_hh [4H] (role bias),
// all ~ U(-1/sqrt(H), 1/sqrt(H)). Setting them: see nn/recurrent.hpp.
// Throws: sizes < 1, an input that is not [N, input_size] or not of the
// layer's dtype, a state that is not [N, hidden_size].
// Reference: Hochreiter & Schmidhuber, "Long short-term memory" (1997).
#pragma once

#include "nn/recurrent.hpp"

namespace tg::nn {

struct LSTMCellOptions {
  bool bias = true;
  DType dtype = DType::f32;
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  std::optional<std::uint64_t> seed = std::nullopt;
};

class LSTMCell : public RecurrentModule {
 public:
  LSTMCell(std::int64_t input_size, std::int64_t hidden_size, const LSTMCellOptions& options = {});

  LSTMState forward(const Var& x, const LSTMState& state = {}) const;
  LSTMState operator()(const Var& x, const LSTMState& state = {}) const { return forward(x, state); }

  const Var& weight_ih() const { return weights_.weight_ih; }
  const Var& weight_hh() const { return weights_.weight_hh; }
  /// Undefined when built with bias = false.
  const Var& bias_ih() const { return weights_.bias_ih; }
  const Var& bias_hh() const { return weights_.bias_hh; }
  const RecurrentWeights& weights() const { return weights_; }
  const LSTMCellOptions& options() const { return options_; }

 private:
  LSTMCellOptions options_;
  RecurrentWeights weights_;
};

}  // namespace tg::nn
