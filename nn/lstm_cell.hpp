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

/// Options of LSTMCell beyond the two sizes.
struct LSTMCellOptions {
  bool bias = true;          ///< learn bias_ih and bias_hh (default true)
  DType dtype = DType::f32;  ///< dtype of the weights, states and inputs: f32 (default) or f64
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  /// Seed of a fresh Generator for the initial values, used when `generator`
  /// is null; nullopt (default): tg::default_generator().
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// One step of a long short-term memory cell (torch.nn.LSTMCell).
///
/// Hochreiter & Schmidhuber 1997, with PyTorch's gate order:
///
///     [i, f, g, o] = x W_ih^T + b_ih + h W_hh^T + b_hh    (4 blocks of H)
///     c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
///     h' = sigmoid(o) * tanh(c')
///
/// Shapes: x [N, input_size], state.h and state.c [N, hidden_size] (either
/// undefined for zeros) -> {h', c'}, both [N, hidden_size].
/// Parameters (PyTorch's names and gate order i, f, g, o): "weight_ih" [4H, I],
/// "weight_hh" [4H, H] (role weight), "bias_ih" [4H], "bias_hh" [4H] (role
/// bias), all ~ U(-1/sqrt(H), 1/sqrt(H)). Setting them: see nn/recurrent.hpp.
class LSTMCell : public RecurrentModule {
 public:
  /// Registers and initialises the weights. Throws tg::Error if input_size
  /// or hidden_size < 1 or options.dtype is not f32 or f64.
  LSTMCell(std::int64_t input_size, std::int64_t hidden_size, const LSTMCellOptions& options = {});

  /// The state after one step, {h', c'}, both [N, hidden_size]; undefined
  /// state.h or state.c mean zeros. Throws tg::Error if x is undefined, not
  /// [N, input_size] or not of the layer's dtype, or a defined state.h or
  /// state.c is not [N, hidden_size] of the layer's dtype.
  LSTMState forward(const Var& x, const LSTMState& state = {}) const;
  /// The same as forward(x, state).
  LSTMState operator()(const Var& x, const LSTMState& state = {}) const { return forward(x, state); }

  /// W_ih, [4H, input_size].
  const Var& weight_ih() const { return weights_.weight_ih; }
  /// W_hh, [4H, hidden_size].
  const Var& weight_hh() const { return weights_.weight_hh; }
  /// b_ih, [4H]; undefined when built with bias = false.
  const Var& bias_ih() const { return weights_.bias_ih; }
  /// b_hh, [4H]; undefined when built with bias = false.
  const Var& bias_hh() const { return weights_.bias_hh; }
  /// All four, as the one-step function lstm_cell() takes them.
  const RecurrentWeights& weights() const { return weights_; }
  /// The options the layer was built with, except that `generator` is reset
  /// to null (the layer does not keep it).
  const LSTMCellOptions& options() const { return options_; }

 private:
  LSTMCellOptions options_;
  RecurrentWeights weights_;
};

}  // namespace tg::nn
