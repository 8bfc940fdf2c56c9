#include "nn/lstm.hpp"

#include "autodiff/functional.hpp"

namespace tg::nn {

LSTM::LSTM(std::int64_t input_size, std::int64_t hidden_size, const LSTMOptions& options)
    : RecurrentModule("LSTM", input_size, hidden_size, /*gates=*/4), options_(options) {
  layers_ = register_layers(options.num_layers, options.bias, options.dtype, options.generator,
                            options.seed);
  options_.generator = nullptr;  // not ours to keep: it may not outlive the layer
}

const RecurrentWeights& LSTM::weights(std::int64_t layer) const {
  return layer_weights(layers_, layer);
}

LSTMOutput LSTM::forward(const Var& input, const LSTMState& state) const {
  std::vector<Var> xs = split_steps(input, options_.batch_first, options_.dtype);
  const std::int64_t batch = xs.front().shape()[0], layers = options_.num_layers;
  std::vector<Var> h = layer_states(state.h, "h0", layers, batch, options_.dtype);
  std::vector<Var> c = layer_states(state.c, "c0", layers, batch, options_.dtype);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    for (Var& x : xs) {  // the layer's outputs become the next layer's inputs
      const LSTMState next = lstm_cell(x, {h[l], c[l]}, layers_[l]);
      h[l] = next.h;
      c[l] = next.c;
      x = next.h;
    }
  }
  return {join_steps(xs, options_.batch_first), stack(h, 0), stack(c, 0)};
}

}  // namespace tg::nn
