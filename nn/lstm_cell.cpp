#include "nn/lstm_cell.hpp"

#include "nn/init.hpp"
#include "tensor/creation.hpp"

namespace tg::nn {

LSTMCell::LSTMCell(std::int64_t input_size, std::int64_t hidden_size,
                   const LSTMCellOptions& options)
    : RecurrentModule("LSTMCell", input_size, hidden_size, /*gates=*/4), options_(options) {
  Generator local;
  Generator& gen = init::layer_generator(options.generator, options.seed, local);
  weights_ = register_layer("", input_size, options.bias, options.dtype, gen);
  options_.generator = nullptr;  // not ours to keep: it may not outlive the layer
}

LSTMState LSTMCell::forward(const Var& x, const LSTMState& state) const {
  const std::int64_t batch = check_step_input(x, options_.dtype);
  const Shape state_shape{batch, hidden_size()};
  check_state(state.h, "h", state_shape, options_.dtype);
  check_state(state.c, "c", state_shape, options_.dtype);
  const Var zero(zeros(state_shape, options_.dtype));
  return lstm_cell(x, {state.h.defined() ? state.h : zero, state.c.defined() ? state.c : zero},
                   weights_);
}

}  // namespace tg::nn
