// nn/gru_cell.hpp — one step of a gated recurrent unit (torch.nn.GRUCell).
//
//   r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)        reset gate
//   z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)        update gate
//   n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))     candidate
//   h' = (1 - z) * n + z * h
//
//   tg::nn::GRUCell cell(10, 20, {.seed = 0});
//   tg::Var h;                                    // undefined: starts at zeros
//   for (const tg::Var& x : steps) h = cell.forward(x, h);
//
// Shapes: x [N, input_size], h [N, hidden_size] (or undefined for zeros)
// -> h' [N, hidden_size].
// Parameters (PyTorch's names and gate order r, z, n): weight_ih [3H, I],
// weight_hh [3H, H] (role weight), bias_ih [3H], bias_hh [3H] (role bias),
// all ~ U(-1/sqrt(H), 1/sqrt(H)). Setting them: see nn/recurrent.hpp.
// Throws: sizes < 1, an input that is not [N, input_size] or not of the
// layer's dtype, a state that is not [N, hidden_size].
// Reference: Cho et al., "Learning phrase representations using RNN
// encoder-decoder for statistical machine translation" (2014); r placed as in
// PyTorch and cuDNN (the paper applies r to h before the matrix product).
#pragma once

#include "nn/recurrent.hpp"

namespace tg::nn {

/// Options of GRUCell beyond the two sizes.
struct GRUCellOptions {
  bool bias = true;          ///< learn bias_ih and bias_hh (default true)
  DType dtype = DType::f32;  ///< dtype of the weights, states and inputs: f32 (default) or f64
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  /// Seed of a fresh Generator for the initial values, used when `generator`
  /// is null; nullopt (default): tg::default_generator().
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// One step of a gated recurrent unit (torch.nn.GRUCell).
///
/// Cho et al. 2014, in PyTorch's form:
///
///     r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)        reset gate
///     z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)        update gate
///     n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))     candidate
///     h' = (1 - z) * n + z * h
///
/// r is placed as in PyTorch and cuDNN (the paper applies r to h before the
/// matrix product).
/// Shapes: x [N, input_size], h [N, hidden_size] (or undefined for zeros)
/// -> h' [N, hidden_size].
/// Parameters (PyTorch's names and gate order r, z, n): "weight_ih" [3H, I],
/// "weight_hh" [3H, H] (role weight), "bias_ih" [3H], "bias_hh" [3H] (role
/// bias), all ~ U(-1/sqrt(H), 1/sqrt(H)). Setting them: see nn/recurrent.hpp.
class GRUCell : public RecurrentModule {
 public:
  /// Registers and initialises the weights. Throws tg::Error if input_size
  /// or hidden_size < 1 or options.dtype is not f32 or f64.
  GRUCell(std::int64_t input_size, std::int64_t hidden_size, const GRUCellOptions& options = {});

  /// h' = (1 - z) * n + z * h, [N, hidden_size]; an undefined h means zeros.
  /// Throws tg::Error if x is undefined, not [N, input_size] or not of the
  /// layer's dtype, or h is defined and not [N, hidden_size] of the layer's dtype.
  Var forward(const Var& x, const Var& h = Var()) const;
  /// The same as forward(x, h).
  Var operator()(const Var& x, const Var& h = Var()) const { return forward(x, h); }

  /// W_ih, [3H, input_size].
  const Var& weight_ih() const { return weights_.weight_ih; }
  /// W_hh, [3H, hidden_size].
  const Var& weight_hh() const { return weights_.weight_hh; }
  /// b_ih, [3H]; undefined when built with bias = false.
  const Var& bias_ih() const { return weights_.bias_ih; }
  /// b_hh, [3H]; undefined when built with bias = false.
  const Var& bias_hh() const { return weights_.bias_hh; }
  /// All four, as the one-step function gru_cell() takes them.
  const RecurrentWeights& weights() const { return weights_; }
  /// The options the layer was built with, except that `generator` is reset
  /// to null (the layer does not keep it).
  const GRUCellOptions& options() const { return options_; }

 private:
  GRUCellOptions options_;
  RecurrentWeights weights_;
};

}  // namespace tg::nn
