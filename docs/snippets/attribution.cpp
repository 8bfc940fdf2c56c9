// docs/snippets/attribution.cpp — which loss term is behind each parameter's gradient.
#include <iostream>
#include <memory>

#include "nn/attribution.hpp"
#include "nn/linear.hpp"
#include "nn/losses.hpp"
#include "nn/regularizers.hpp"
#include "nn/sequential.hpp"
#include "nn/tanh.hpp"
#include "snippet_check.hpp"
#include "tensor/random.hpp"

namespace nn = tg::nn;

int main() {
  auto model = std::make_shared<nn::Sequential>(
      std::make_shared<nn::Linear>(3, 8, nn::LinearOptions{.dtype = tg::DType::f64, .seed = 1}),
      std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Linear>(8, 1, nn::LinearOptions{.dtype = tg::DType::f64, .seed = 2}));
  tg::Generator gen(3);
  const tg::Var x(tg::randn({16, 3}, gen, tg::DType::f64));
  const tg::Var y(tg::randn({16, 1}, gen, tg::DType::f64));

  // Three terms: the data fit, an L2 node on the weights, and a gradient
  // penalty (R1-style, target norm 0) on the model's input gradient.
  const tg::Var data = nn::mse_loss((*model)(x), y);
  const tg::Var l2 = nn::l2(nn::weights_only(*model), 0.05);
  const tg::Var gp = nn::gradient_penalty([&](const tg::Var& in) { return (*model)(in); }, x, 0.1);

  const nn::GradientAttribution report = nn::attribute_gradients(
      {{"data", data}, {"l2", l2}, {"grad_penalty", gp}}, model->named_parameters());
  std::cout << report.to_string();

  // The shares of every parameter add up to 1; biases get nothing from l2.
  for (const nn::ParameterAttribution& p : report.parameters) {
    double total = 0;
    for (double s : p.shares) total += s;
    expect_close(total, 1.0, 1e-12, "shares sum to 1");
  }
  expect(report.parameters[1].name == "0.bias" && report.parameters[1].term_norms[1] == 0,
         "the L2 node does not touch biases");
  return 0;
}
