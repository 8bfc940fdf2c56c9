#include "demos/deep_mlp.hpp"

#include <cmath>
#include <memory>

#include "autodiff/autodiff.hpp"
#include "nn/init.hpp"
#include "nn/linear.hpp"
#include "tensor/random.hpp"
#include "tensor/reduce.hpp"

namespace demos {

DeepMlpGradients deep_mlp_gradients(const DeepMlpOptions& o) {
  tg::Generator gen(o.seed);
  std::vector<std::shared_ptr<tg::nn::Linear>> layers;
  for (std::int64_t l = 0; l < o.depth; ++l) {
    auto layer = std::make_shared<tg::nn::Linear>(o.width, o.width, tg::nn::LinearOptions{.bias = false, .generator = &gen});
    tg::nn::init::normal_(layer->weight().value(), gen, 0.0, o.gain / std::sqrt(static_cast<double>(o.width)));
    layers.push_back(layer);
  }
  const tg::Var x(tg::randn({o.batch, o.width}, gen));
  const tg::Var direction(tg::randn({o.width}, gen));

  // A hook on each hidden output records the norm of the gradient that reaches it.
  DeepMlpGradients g;
  g.activation_grad_norm.assign(static_cast<std::size_t>(o.depth), 0.0);
  tg::Var h = x;
  for (std::int64_t l = 0; l < o.depth; ++l) {
    h = tg::relu(layers[static_cast<std::size_t>(l)]->forward(h));
    h.register_hook([&g, l](const tg::Var& grad) {
      g.activation_grad_norm[static_cast<std::size_t>(l)] = tg::norm(grad.value()).item();
      return tg::Var();  // keep the gradient as it is
    });
  }
  tg::Var loss = tg::mean(tg::sum(h * direction, {1}));
  loss.backward();

  double total_sq = 0;
  for (const auto& layer : layers) {
    const double n = tg::norm(layer->weight().grad().value()).item();
    g.weight_grad_norm.push_back(n);
    total_sq += n * n;
  }
  g.total_grad_norm = std::sqrt(total_sq);
  return g;
}

}  // namespace demos
