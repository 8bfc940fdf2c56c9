#include "nn/gru_cell.hpp"

#include "nn/init.hpp"
#include "tensor/creation.hpp"

namespace tg::nn {

GRUCell::GRUCell(std::int64_t input_size, std::int64_t hidden_size, const GRUCellOptions& options)
    : RecurrentModule("GRUCell", input_size, hidden_size, /*gates=*/3), options_(options) {
  Generator local;
  Generator& gen = init::layer_generator(options.generator, options.seed, local);
  weights_ = register_layer("", input_size, options.bias, options.dtype, gen);
  options_.generator = nullptr;  // not ours to keep: it may not outlive the layer
}

Var GRUCell::forward(const Var& x, const Var& h) const {
  const std::int64_t batch = check_step_input(x, options_.dtype);
  check_state(h, "h", {batch, hidden_size()}, options_.dtype);
  const Var h0 = h.defined() ? h : Var(zeros({batch, hidden_size()}, options_.dtype));
  return gru_cell(x, h0, weights_);
}

}  // namespace tg::nn
