// The three decays (Note [three decays] in optim/add_l2_to_grad.hpp) against
// their closed forms, proximal L1's exact zeros, max-norm projection, masks.
#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"

using namespace tg;
using namespace tg::optim;
using optim_test::param;

namespace {
const Tensor kTheta0 = tensor({1.5, -0.7, 0.2, -3.0}, DType::f64);

// Runs `steps` steps where the gradient comes only from `penalty` (λ/2·‖θ‖²
// as a loss node when node_lambda > 0, else an explicit zero data gradient).
std::vector<double> run(TransformPtr transform, int steps, double node_lambda = 0) {
  nn::ParameterList params{param("w", kTheta0.clone())};
  Optimizer opt(params, std::move(transform));
  for (int t = 0; t < steps; ++t) {
    opt.zero_grad();
    if (node_lambda > 0)
      (sum(square(params[0].var)) * (0.5 * node_lambda)).backward();
    else
      optim_test::set_grad(params[0], zeros({4}, DType::f64));
    opt.step();
  }
  return optim_test::values(params[0]);
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}
}  // namespace

TEST_CASE("optim: adamw with zero data gradient decays as theta0 (1 - lr lambda)^T") {
  const double lr = 0.01, lambda = 0.5;
  const int T = 25;
  const auto theta = run(adamw({.lr = lr, .weight_decay = lambda}), T);
  const double factor = std::pow(1 - lr * lambda, T);
  const auto theta0 = kTheta0.to_double_vector();
  for (std::size_t i = 0; i < theta.size(); ++i)
    CHECK(theta[i] == doctest::Approx(theta0[i] * factor).epsilon(1e-13));
}

TEST_CASE("optim: adam with an L2 term is insensitive to lambda (Loshchilov & Hutter)") {
  const double lr = 0.01;
  const int T = 20;
  // A hand-made ½λ‖θ‖² loss node and coupled L2 give the same trajectory...
  const auto node_small = run(adam({.lr = lr}), T, 1e-2);
  const auto coupled_small = run(chain(add_l2_to_grad(1e-2, /*adaptive_ok=*/true), scale_by_adam(),
                                       scale_by_learning_rate(lr)), T);
  CHECK(max_abs_diff(node_small, coupled_small) <= 1e-14);
  // ... and a 100x larger λ barely changes it: Adam divides the penalty by its RMS.
  const auto node_large = run(adam({.lr = lr}), T, 1.0);
  CHECK(max_abs_diff(node_small, node_large) <= 1e-5 * lr * T);
  CHECK(max_abs_diff(node_small, kTheta0.to_double_vector()) >= 0.5 * lr * T);  // it did move
  // Decoupled decay does respond to λ: θ₀·((1 − lr·λ)^T) differs by ≈ lr·T·Δλ·|θ|.
  const auto decoupled_small = run(adamw({.lr = lr, .weight_decay = 1e-2}), T);
  const auto decoupled_large = run(adamw({.lr = lr, .weight_decay = 1.0}), T);
  CHECK(max_abs_diff(decoupled_small, decoupled_large) >= 0.1 * lr * T);
}

TEST_CASE("optim: for sgd, coupled L2 equals an L2 penalty node") {
  const auto node = run(sgd({.lr = 0.1, .momentum = 0.9}), 15, 0.3);
  const auto coupled = run(sgd({.lr = 0.1, .momentum = 0.9, .weight_decay = 0.3}), 15);
  CHECK(max_abs_diff(node, coupled) <= 1e-15);
}

TEST_CASE("optim: decoupled_weight_decay without lr scaling decays as (1 - lambda)^T") {
  const double lambda = 0.1;
  const auto theta = run(chain(decoupled_weight_decay(lambda, all_parameters(), false),
                               scale_by_learning_rate(0.5)), 7);
  const auto theta0 = kTheta0.to_double_vector();
  for (std::size_t i = 0; i < theta.size(); ++i)
    CHECK(theta[i] == doctest::Approx(theta0[i] * std::pow(1 - lambda, 7)).epsilon(1e-14));
}

TEST_CASE("optim: decay masks skip biases and norm parameters unless switched") {
  for (bool all : {false, true}) {
    CAPTURE(all);
    nn::ParameterList params{param("fc.weight", ones({2}, DType::f64)),
                             param("fc.bias", ones({2}, DType::f64), nn::ParamRole::bias),
                             param("ln.weight", ones({2}, DType::f64), nn::ParamRole::norm),
                             param("emb.weight", ones({2}, DType::f64), nn::ParamRole::embedding)};
    Optimizer opt(params, adamw({.lr = 0.1, .weight_decay = 0.5, .decay_bias_and_norm = all}));
    for (auto& p : params) optim_test::set_grad(p, zeros({2}, DType::f64));
    opt.step();
    CHECK(optim_test::values(params[0])[0] == doctest::Approx(0.95));
    CHECK(optim_test::values(params[1])[0] == (all ? 0.95 : 1.0));
    CHECK(optim_test::values(params[2])[0] == (all ? 0.95 : 1.0));
    CHECK(optim_test::values(params[3])[0] == doctest::Approx(0.95));
  }
  // masked() with a name mask: only the named parameter is clipped.
  nn::ParameterList params{param("a", zeros({1}, DType::f64)), param("b", zeros({1}, DType::f64))};
  for (auto& p : params) optim_test::set_grad(p, tensor({10.0}, DType::f64));
  Optimizer opt(params, chain(masked(clip_by_value(1.0), mask_by_names({"b"})),
                              scale_by_learning_rate(1.0)));
  opt.step();
  CHECK(optim_test::values(params[0])[0] == -10.0);
  CHECK(optim_test::values(params[1])[0] == -1.0);
}

TEST_CASE("optim: proximal_l1 soft-thresholds after the step and produces exact zeros") {
  nn::ParameterList params{param("w", tensor({0.05, -0.03, 0.5, -2.0, 0.12}, DType::f64))};
  optim_test::set_grad(params[0], tensor({0.0, 0.0, 0.0, 0.0, -0.1}, DType::f64));
  Optimizer opt(params, chain(scale_by_learning_rate(0.1), proximal_l1(1.0)));
  opt.step();
  // step: θ − 0.1·g = (0.05, −0.03, 0.5, −2.0, 0.13); threshold lr·λ = 0.1.
  const auto theta = optim_test::values(params[0]);
  CHECK(theta[0] == 0.0);
  CHECK(theta[1] == 0.0);
  CHECK(theta[2] == doctest::Approx(0.4).epsilon(1e-15));
  CHECK(theta[3] == doctest::Approx(-1.9).epsilon(1e-15));
  CHECK(theta[4] == doctest::Approx(0.03).epsilon(1e-13));
}

TEST_CASE("optim: max_norm_constraint projects rows with a larger norm onto the ball") {
  nn::ParameterList params{param("w", tensor({{3.0, 4.0}, {0.3, 0.4}}, DType::f64))};
  optim_test::set_grad(params[0], zeros({2, 2}, DType::f64));
  Optimizer opt(params, chain(scale_by_learning_rate(1.0), max_norm_constraint(2.0)));
  opt.step();
  const auto w = optim_test::values(params[0]);
  CHECK(w[0] == doctest::Approx(1.2).epsilon(1e-15));  // (3, 4)·2/5
  CHECK(w[1] == doctest::Approx(1.6).epsilon(1e-15));
  CHECK(w[2] == 0.3);  // inside the ball: untouched
  CHECK(w[3] == 0.4);
}
