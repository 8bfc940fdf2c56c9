#include "nn/rnn.hpp"

#include "autodiff/functional.hpp"

namespace tg::nn {

RNN::RNN(std::int64_t input_size, std::int64_t hidden_size, const RNNOptions& options)
    : RecurrentModule("RNN", input_size, hidden_size, /*gates=*/1), options_(options) {
  layers_ = register_layers(options.num_layers, options.bias, options.dtype, options.generator,
                            options.seed);
  options_.generator = nullptr;  // not ours to keep: it may not outlive the layer
}

const RecurrentWeights& RNN::weights(std::int64_t layer) const {
  return layer_weights(layers_, layer);
}

RNNOutput RNN::forward(const Var& input, const Var& h0) const {
  std::vector<Var> xs = split_steps(input, options_.batch_first, options_.dtype);
  const std::int64_t batch = xs.front().shape()[0];
  std::vector<Var> h = layer_states(h0, "h0", options_.num_layers, batch, options_.dtype);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    for (Var& x : xs) {  // the layer's outputs become the next layer's inputs
      h[l] = rnn_cell(x, h[l], layers_[l], options_.nonlinearity);
      x = h[l];
    }
  }
  return {join_steps(xs, options_.batch_first), stack(h, 0)};
}

}  // namespace tg::nn
