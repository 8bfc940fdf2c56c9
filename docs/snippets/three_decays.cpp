// docs/snippets/three_decays.cpp — an L2 node, coupled L2 and decoupled decay, side by side.
//
// Two weights of very different size, (1, 100), and no data at all: the only
// force on them is the decay, lambda = 0.01. We run 50 steps of each variant.
#include <cmath>
#include <cstdio>
#include <functional>

#include "autodiff/functional.hpp"
#include "nn/regularizers.hpp"
#include "optim/optim.hpp"
#include "snippet_check.hpp"
#include "tensor/creation.hpp"

namespace optim = tg::optim;

constexpr double kLambda = 0.01;
constexpr int kSteps = 50;

// Runs kSteps of `chain` on fresh weights (1, 100). With `l2_node`, the loss
// is the L2 penalty node; otherwise the loss is 0 and only the chain decays.
std::vector<double> run(optim::TransformPtr chain, bool l2_node) {
  tg::Var w(tg::tensor({1.0, 100.0}, tg::DType::f64), /*requires_grad=*/true);
  const tg::nn::ParameterList params = {{"w", w, tg::nn::ParamRole::weight}};
  optim::Optimizer opt(params, std::move(chain));
  for (int step = 0; step < kSteps; ++step) {
    opt.zero_grad();
    const tg::Var loss = l2_node ? tg::nn::l2(params, kLambda) : 0.0 * tg::sum(w);
    loss.backward();
    opt.step();
  }
  return w.value().to_double_vector();
}

void show(const char* label, const std::vector<double>& w) {
  std::printf("%-34s w = (%.6f, %.6f)   ratio to start (%.6f, %.6f)\n", label, w[0], w[1],
              w[0] / 1.0, w[1] / 100.0);
}

int main() {
  const double sgd_lr = 0.1, adam_lr = 0.01;

  // With SGD the three are one and the same: w <- (1 - lr lambda) w.
  const auto sgd_node = run(optim::sgd({.lr = sgd_lr}), true);
  const auto sgd_coupled = run(optim::sgd({.lr = sgd_lr, .weight_decay = kLambda}), false);
  const auto sgd_decoupled = run(optim::chain(optim::decoupled_weight_decay(kLambda),
                                              optim::scale_by_learning_rate(sgd_lr)),
                                 false);
  show("SGD + L2 node", sgd_node);
  show("SGD, coupled L2 (weight_decay)", sgd_coupled);
  show("SGD, decoupled decay", sgd_decoupled);
  const double factor = std::pow(1 - sgd_lr * kLambda, kSteps);
  for (const auto* w : {&sgd_node, &sgd_coupled, &sgd_decoupled}) {
    expect_close((*w)[0], factor, 1e-12, "SGD: w0 shrinks by (1 - lr lambda)^T");
    expect_close((*w)[1], 100 * factor, 1e-12, "SGD: w1 shrinks by the same factor");
  }

  // With Adam they part ways. The L2 node and coupled L2 feed lambda w
  // through Adam's 1/sqrt(v), which normalises it away: each weight moves by
  // about lr per step, whatever lambda and whatever its size.
  const auto adam_node = run(optim::adam({.lr = adam_lr}), true);
  const auto adam_coupled = run(optim::adam({.lr = adam_lr, .weight_decay = kLambda}), false);
  // AdamW's decoupled decay is not normalised: w <- (1 - lr lambda) w for both.
  const auto adamw = run(optim::adamw({.lr = adam_lr, .weight_decay = kLambda}), false);
  show("Adam + L2 node", adam_node);
  show("Adam, coupled L2 (weight_decay)", adam_coupled);
  show("AdamW, decoupled decay", adamw);
  expect_close(adam_node[0], adam_coupled[0], 1e-12, "Adam: node == coupled");
  expect_close(adam_node[1], adam_coupled[1], 1e-12, "Adam: node == coupled");
  expect(std::abs((1 - adam_node[0]) - kSteps * adam_lr) < 0.05, "Adam + L2: w0 moves ~lr per step");
  expect(std::abs((100 - adam_node[1]) - kSteps * adam_lr) < 0.05, "Adam + L2: so does w1");
  const double adamw_factor = std::pow(1 - adam_lr * kLambda, kSteps);
  expect_close(adamw[0], adamw_factor, 1e-12, "AdamW: w0 shrinks by (1 - lr lambda)^T");
  expect_close(adamw[1], 100 * adamw_factor, 1e-10, "AdamW: w1 by the same factor");
  return 0;
}
