#include "nn/gru.hpp"

#include "autodiff/functional.hpp"
#include "nn/init.hpp"

namespace tg::nn {

GRU::GRU(std::int64_t input_size, std::int64_t hidden_size, const GRUOptions& options)
    : RecurrentModule("GRU", input_size, hidden_size, /*gates=*/3), options_(options) {
  if (options.num_layers < 1) fail("GRU: num_layers must be >= 1, got ", options.num_layers);
  Generator local;
  Generator& gen = init::layer_generator(options.generator, options.seed, local);
  for (std::int64_t l = 0; l < options.num_layers; ++l) {
    const std::int64_t in = l == 0 ? input_size : hidden_size;
    layers_.push_back(register_layer("_l" + std::to_string(l), in, options.bias, options.dtype, gen));
  }
  options_.generator = nullptr;  // not ours to keep: it may not outlive the layer
}

const RecurrentWeights& GRU::weights(std::int64_t layer) const {
  if (layer < 0 || layer >= options_.num_layers)
    fail("GRU: layer ", layer, " does not exist (num_layers = ", options_.num_layers, ")");
  return layers_[static_cast<std::size_t>(layer)];
}

RNNOutput GRU::forward(const Var& input, const Var& h0) const {
  std::vector<Var> xs = split_steps(input, options_.batch_first, options_.dtype);
  const std::int64_t batch = xs.front().shape()[0];
  std::vector<Var> h = layer_states(h0, "h0", options_.num_layers, batch, options_.dtype);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    for (Var& x : xs) {  // the layer's outputs become the next layer's inputs
      h[l] = gru_cell(x, h[l], layers_[l]);
      x = h[l];
    }
  }
  return {join_steps(xs, options_.batch_first), stack(h, 0)};
}

}  // namespace tg::nn
