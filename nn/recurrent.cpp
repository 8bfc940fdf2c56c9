// The cell updates are composites of differentiable ops: backpropagation
// through time is the engine's ordinary backward over the unrolled graph.
#include "nn/recurrent.hpp"

#include <cmath>

#include "autodiff/functional.hpp"
#include "nn/init.hpp"
#include "tensor/creation.hpp"

namespace tg::nn {

namespace {

// x W^T + b (b may be undefined).
Var affine(const Var& x, const Var& weight, const Var& bias) {
  Var y = matmul(x, transpose(weight, 0, 1));
  return bias.defined() ? y + bias : y;
}

// Gate block k of the [N, G*H] pre-activations.
Var gate(const Var& preact, std::int64_t k, std::int64_t hidden) {
  return slice(preact, 1, k * hidden, (k + 1) * hidden);
}

std::int64_t hidden_of(const RecurrentWeights& w) { return w.weight_hh.shape()[1]; }

}  // namespace

Var rnn_cell(const Var& x, const Var& h, const RecurrentWeights& w, RNNNonlinearity act) {
  const Var preact = affine(x, w.weight_ih, w.bias_ih) + affine(h, w.weight_hh, w.bias_hh);
  return act == RNNNonlinearity::tanh ? tanh(preact) : relu(preact);
}

LSTMState lstm_cell(const Var& x, const LSTMState& state, const RecurrentWeights& w) {
  const std::int64_t H = hidden_of(w);
  const Var preact = affine(x, w.weight_ih, w.bias_ih) + affine(state.h, w.weight_hh, w.bias_hh);
  const Var i = sigmoid(gate(preact, 0, H));
  const Var f = sigmoid(gate(preact, 1, H));
  const Var g = tanh(gate(preact, 2, H));
  const Var o = sigmoid(gate(preact, 3, H));
  const Var c = f * state.c + i * g;
  return {o * tanh(c), c};
}

Var gru_cell(const Var& x, const Var& h, const RecurrentWeights& w) {
  const std::int64_t H = hidden_of(w);
  // The input and hidden projections stay apart: n needs r * (h W_hn^T + b_hn).
  const Var gi = affine(x, w.weight_ih, w.bias_ih);
  const Var gh = affine(h, w.weight_hh, w.bias_hh);
  const Var r = sigmoid(gate(gi, 0, H) + gate(gh, 0, H));
  const Var z = sigmoid(gate(gi, 1, H) + gate(gh, 1, H));
  const Var n = tanh(gate(gi, 2, H) + r * gate(gh, 2, H));
  return (1.0 - z) * n + z * h;
}

// ------------------------------------------------------------ RecurrentModule

RecurrentModule::RecurrentModule(const char* name, std::int64_t input_size,
                                 std::int64_t hidden_size, std::int64_t gates)
    : name_(name), input_size_(input_size), hidden_size_(hidden_size), gates_(gates) {
  if (input_size < 1 || hidden_size < 1)
    fail(name, ": input_size and hidden_size must be >= 1, got ", input_size, " and ",
         hidden_size);
}

std::vector<RecurrentWeights> RecurrentModule::register_layers(
    std::int64_t num_layers, bool bias, DType dtype, Generator* generator,
    std::optional<std::uint64_t> seed) {
  if (num_layers < 1) fail(name_, ": num_layers must be >= 1, got ", num_layers);
  Generator local;
  Generator& gen = init::layer_generator(generator, seed, local);
  std::vector<RecurrentWeights> layers;
  for (std::int64_t l = 0; l < num_layers; ++l) {
    const std::int64_t in = l == 0 ? input_size_ : hidden_size_;
    layers.push_back(register_layer("_l" + std::to_string(l), in, bias, dtype, gen));
  }
  return layers;
}

const RecurrentWeights& RecurrentModule::layer_weights(const std::vector<RecurrentWeights>& layers,
                                                       std::int64_t layer) const {
  const auto n = static_cast<std::int64_t>(layers.size());
  if (layer < 0 || layer >= n)
    fail(name_, ": layer ", layer, " does not exist (num_layers = ", n, ")");
  return layers[static_cast<std::size_t>(layer)];
}

RecurrentWeights RecurrentModule::register_layer(const std::string& suffix,
                                                 std::int64_t in_features, bool bias, DType dtype,
                                                 Generator& gen) {
  if (!is_floating(dtype)) fail(name_, ": dtype must be f32 or f64, got ", dtype_name(dtype));
  const double k = 1.0 / std::sqrt(static_cast<double>(hidden_size_));
  const std::int64_t rows = gates_ * hidden_size_;
  auto draw = [&](const Shape& shape) { return init::uniform_(empty(shape, dtype), gen, -k, k); };
  RecurrentWeights w;
  w.weight_ih = register_parameter("weight_ih" + suffix, draw({rows, in_features}), ParamRole::weight);
  w.weight_hh = register_parameter("weight_hh" + suffix, draw({rows, hidden_size_}), ParamRole::weight);
  if (bias) {
    w.bias_ih = register_parameter("bias_ih" + suffix, draw({rows}), ParamRole::bias);
    w.bias_hh = register_parameter("bias_hh" + suffix, draw({rows}), ParamRole::bias);
  }
  return w;
}

std::int64_t RecurrentModule::check_step_input(const Var& x, DType dtype) const {
  if (!x.defined()) fail(name_, ": the input is undefined");
  if (x.dim() != 2 || x.shape()[1] != input_size_)
    fail(name_, ": expected input [N, input_size] = [N, ", input_size_, "], got ",
         shape_str(x.shape()));
  if (x.dtype() != dtype)
    fail(name_, ": input dtype ", dtype_name(x.dtype()), " does not match the layer's (",
         dtype_name(dtype), "); build the layer with that dtype or cast the input");
  return x.shape()[0];
}

void RecurrentModule::check_state(const Var& state, const char* what, const Shape& expected,
                                  DType dtype) const {
  if (!state.defined()) return;
  if (state.shape() != expected)
    fail(name_, ": ", what, " has shape ", shape_str(state.shape()), ", expected ",
         shape_str(expected), " (hidden_size = ", hidden_size_, ")");
  if (state.dtype() != dtype)
    fail(name_, ": ", what, " dtype ", dtype_name(state.dtype()), " does not match the layer's (",
         dtype_name(dtype), ")");
}

std::vector<Var> RecurrentModule::split_steps(const Var& input, bool batch_first,
                                              DType dtype) const {
  const char* layout = batch_first ? "[N, T, input_size]" : "[T, N, input_size]";
  if (!input.defined()) fail(name_, ": the input is undefined");
  if (input.dim() != 3 || input.shape()[2] != input_size_)
    fail(name_, ": expected input ", layout, " with input_size = ", input_size_, ", got ",
         shape_str(input.shape()), batch_first ? "" : " (batch_first = false)");
  if (input.dtype() != dtype)
    fail(name_, ": input dtype ", dtype_name(input.dtype()), " does not match the layer's (",
         dtype_name(dtype), "); build the layer with that dtype or cast the input");
  const std::int64_t time_axis = batch_first ? 1 : 0;
  const std::int64_t steps = input.shape()[time_axis];
  if (steps < 1) fail(name_, ": the input ", shape_str(input.shape()), " has no time steps");
  // Note [per-step slices]: when the input itself requires a gradient (a
  // layer below, an embedding), each step's slice sends back a gradient of
  // the whole input's size, so backward costs O(T^2 N I) there; fine for the
  // sequence lengths this library targets, and free for constant inputs.
  std::vector<Var> out;
  out.reserve(static_cast<std::size_t>(steps));
  for (std::int64_t t = 0; t < steps; ++t)
    out.push_back(squeeze(slice(input, time_axis, t, t + 1), time_axis));
  return out;
}

Var RecurrentModule::join_steps(const std::vector<Var>& steps, bool batch_first) {
  return stack(steps, batch_first ? 1 : 0);
}

std::vector<Var> RecurrentModule::layer_states(const Var& state, const char* what,
                                               std::int64_t layers, std::int64_t batch,
                                               DType dtype) const {
  std::vector<Var> out;
  if (!state.defined()) {
    for (std::int64_t l = 0; l < layers; ++l) out.emplace_back(zeros({batch, hidden_size_}, dtype));
    return out;
  }
  check_state(state, what, {layers, batch, hidden_size_}, dtype);
  for (std::int64_t l = 0; l < layers; ++l) out.push_back(squeeze(slice(state, 0, l, l + 1), 0));
  return out;
}

}  // namespace tg::nn
