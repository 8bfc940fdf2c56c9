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

struct GRUCellOptions {
  bool bias = true;
  DType dtype = DType::f32;
  /// Initial values come from *generator if set, else from Generator(*seed)
  /// if set, else from tg::default_generator() (see init::layer_generator).
  Generator* generator = nullptr;
  std::optional<std::uint64_t> seed = std::nullopt;
};

class GRUCell : public RecurrentModule {
 public:
  GRUCell(std::int64_t input_size, std::int64_t hidden_size, const GRUCellOptions& options = {});

  Var forward(const Var& x, const Var& h = Var()) const;
  Var operator()(const Var& x, const Var& h = Var()) const { return forward(x, h); }

  const Var& weight_ih() const { return weights_.weight_ih; }
  const Var& weight_hh() const { return weights_.weight_hh; }
  /// Undefined when built with bias = false.
  const Var& bias_ih() const { return weights_.bias_ih; }
  const Var& bias_hh() const { return weights_.bias_hh; }
  const RecurrentWeights& weights() const { return weights_; }
  const GRUCellOptions& options() const { return options_; }

 private:
  GRUCellOptions options_;
  RecurrentWeights weights_;
};

}  // namespace tg::nn
