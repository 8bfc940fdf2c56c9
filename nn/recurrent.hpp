// nn/recurrent.hpp — what RNN, LSTM and GRU share: the one-step update of
// each cell as a plain function, their weights, and their common base class.
//
// A recurrent layer applies the same cell at every time step, carrying a
// hidden state h (and, for an LSTM, a cell state c) from step to step.
// Unrolled over T steps it is an ordinary feed-forward graph of depth T, and
// backward() through it is backpropagation through time: no special code.
//
// Weight layout (PyTorch's, so weights load across): the G gate blocks of
// size H are stacked along the rows,
//   weight_ih [G*H, I]   weight_hh [G*H, H]   bias_ih [G*H]   bias_hh [G*H]
// with G = 1 for RNN, 4 for LSTM (gates i, f, g, o), 3 for GRU (r, z, n).
// Initial values, as PyTorch's: every entry ~ U(-1/sqrt(H), 1/sqrt(H)).
//
// Setting weights after construction: a parameter is a Var whose value() is
// a Tensor; a copy of that Tensor is a handle on the same memory, so writing
// through it changes the layer in place:
//
//   tg::nn::RNNCell cell(1, 8, {.nonlinearity = tg::nn::RNNNonlinearity::relu});
//   {
//     tg::NoGradGuard no_grad;                   // an update, not a graph op
//     tg::Tensor w_hh = cell.weight_hh().value();  // shares the parameter's memory
//     w_hh.copy_(tg::eye(8));                    // identity recurrence (IRNN)
//     tg::Tensor(cell.bias_hh().value()).fill_(0.0);
//   }
//
// (nn/init.hpp's initializers take the Tensor by value, so
// tg::nn::init::orthogonal_(cell.weight_hh().value(), gen) works the same way.)
//
// copy_/fill_ bump the storage version, so a graph recorded with the old
// values refuses to backpropagate through the new ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "autodiff/var.hpp"
#include "nn/module.hpp"
#include "tensor/random.hpp"

namespace tg::nn {

/// The nonlinearity of a plain (Elman) RNN cell.
enum class RNNNonlinearity { tanh, relu };

/// The parameters of one recurrent layer (biases undefined when bias = false).
///
/// G is the number of gate blocks (1 for RNN, 4 for LSTM, 3 for GRU), H the
/// hidden size, I the input size of the layer.
struct RecurrentWeights {
  Var weight_ih;  ///< [G*H, I], input-to-hidden weights of the G gate blocks stacked along the rows
  Var weight_hh;  ///< [G*H, H], hidden-to-hidden weights, stacked the same way
  Var bias_ih;    ///< [G*H], input-side bias; undefined without bias
  Var bias_hh;    ///< [G*H], hidden-side bias; undefined without bias
};

/// An LSTM's state: hidden h and cell c, both [N, H] (or [L, N, H] for a
/// stack of L layers). Undefined members mean zeros.
struct LSTMState {
  Var h;  ///< hidden state (the output), [N, H] or [L, N, H]; undefined: zeros
  Var c;  ///< cell state, [N, H] or [L, N, H]; undefined: zeros
};

// ------------------------------------------------------- one step, as functions
// x [N, I], h and c [N, H]; each returns the state after one step. These are
// the cells' forward passes; the layers call them once per step and layer.

/// h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or relu.
///
/// x [N, I], h [N, H] (defined: this function substitutes no zeros and
/// checks no shapes; RNNCell does) -> h' [N, H]. Undefined biases are skipped.
Var rnn_cell(const Var& x, const Var& h, const RecurrentWeights& w, RNNNonlinearity act);

/// [i, f, g, o] = split(x W_ih^T + b_ih + h W_hh^T + b_hh) into 4 blocks of H
/// i, f, o = sigmoid(...)   g = tanh(...)
/// c' = f * c + i * g       h' = o * tanh(c')
/// (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000.)
///
/// x [N, I], state.h and state.c [N, H] (both defined: this function
/// substitutes no zeros and checks no shapes; LSTMCell does) -> {h', c'}.
LSTMState lstm_cell(const Var& x, const LSTMState& state, const RecurrentWeights& w);

/// r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)
/// z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
/// n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))
/// h' = (1 - z) * n + z * h
/// (Cho et al. 2014, in PyTorch's form: r multiplies h W_hn^T + b_hn.)
///
/// x [N, I], h [N, H] (defined: this function substitutes no zeros and
/// checks no shapes; GRUCell does) -> h' [N, H].
Var gru_cell(const Var& x, const Var& h, const RecurrentWeights& w);

// ------------------------------------------------------- the shared base class

/// Registers recurrent weights and checks inputs; RNNCell, RNN, LSTMCell,
/// LSTM, GRUCell and GRU derive from it.
///
/// Every derived layer throws tg::Error when built with input_size or
/// hidden_size < 1, num_layers < 1 (the sequence layers), or a dtype other
/// than f32 or f64.
class RecurrentModule : public Module {
 public:
  /// I, the number of features of each input step.
  std::int64_t input_size() const { return input_size_; }
  /// H, the size of the hidden state (and of each output step).
  std::int64_t hidden_size() const { return hidden_size_; }
  /// "RNN", "LSTMCell", ...: the name errors start with.
  const char* layer_name() const { return name_; }

 protected:
  /// `name` is the layer's name for errors ("LSTM"); gates is G.
  RecurrentModule(const char* name, std::int64_t input_size, std::int64_t hidden_size,
                  std::int64_t gates);

  /// Registers weight_ih<suffix>, weight_hh<suffix> (role weight) and, with
  /// bias, bias_ih<suffix>, bias_hh<suffix> (role bias), drawn from `gen`
  /// in that order. in_features is I for the first layer, H above it.
  RecurrentWeights register_layer(const std::string& suffix, std::int64_t in_features, bool bias,
                                  DType dtype, Generator& gen);

  /// Registers `num_layers` stacked layers with suffixes _l0, _l1, ... (the
  /// first reads input_size features, the others hidden_size), drawing from
  /// the generator that (generator, seed) selects (init::layer_generator).
  std::vector<RecurrentWeights> register_layers(std::int64_t num_layers, bool bias, DType dtype,
                                                Generator* generator,
                                                std::optional<std::uint64_t> seed);
  /// layers[layer], or an error naming the layer and how many there are.
  const RecurrentWeights& layer_weights(const std::vector<RecurrentWeights>& layers,
                                        std::int64_t layer) const;

  /// Checks a single step's input [N, I] against the layer and returns N.
  std::int64_t check_step_input(const Var& x, DType dtype) const;
  /// Checks a state's shape and dtype; an undefined state (zeros) is fine.
  void check_state(const Var& state, const char* what, const Shape& expected, DType dtype) const;
  /// Splits a sequence [T, N, I] ([N, T, I] if batch_first) into T steps [N, I].
  std::vector<Var> split_steps(const Var& input, bool batch_first, DType dtype) const;
  /// Stacks T steps [N, H] into [T, N, H] ([N, T, H] if batch_first).
  static Var join_steps(const std::vector<Var>& steps, bool batch_first);
  /// The initial state of each of `layers` layers: slices of `state`
  /// [layers, N, H], or zeros if it is undefined.
  std::vector<Var> layer_states(const Var& state, const char* what, std::int64_t layers,
                                std::int64_t batch, DType dtype) const;

 private:
  const char* name_;
  std::int64_t input_size_, hidden_size_, gates_;
};

}  // namespace tg::nn
