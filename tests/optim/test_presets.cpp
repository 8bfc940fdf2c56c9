// Every preset against torch.optim: 10-step trajectories written by
// tests/reference/make_optim_fixtures.py (PyTorch, f64), matched to 1e-10.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "helpers.hpp"
#include "tensor/npy.hpp"

using namespace tg;
using namespace tg::optim;
using optim_test::param;

namespace {
std::string fixture(const std::string& name) {
  return std::string(TG_TEST_DATA_DIR) + "/optim/" + name + ".npy";
}

// loss(W, b) = mean((tanh(X Wᵀ + b) − Y)²) + 0.05·Σ W², the script's problem.
Var problem_loss(const Tensor& X, const Tensor& Y, const Var& W, const Var& b) {
  Var pred = tanh(matmul(Var(X), transpose(W, 0, 1)) + b);
  return mean(square(pred - Var(Y))) + sum(square(W)) * 0.05;
}

void check_against_torch(const std::string& name, std::function<TransformPtr()> make) {
  CAPTURE(name);
  const Tensor X = load_npy(fixture("problem_X")), Y = load_npy(fixture("problem_Y"));
  nn::ParameterList params{param("W", load_npy(fixture("problem_W0"))),
                           param("b", load_npy(fixture("problem_b0")), nn::ParamRole::bias)};
  Optimizer opt(params, make());
  const Tensor Ws = load_npy(fixture(name + "_W")), bs = load_npy(fixture(name + "_b"));
  for (std::int64_t step = 0; step < 10; ++step) {
    CAPTURE(step);
    opt.zero_grad();
    problem_loss(X, Y, params[0].var, params[1].var).backward();
    opt.step();
    const auto w = params[0].var.value().to_double_vector();
    const auto w_ref = Ws.select(0, step).to_double_vector();
    const auto b = params[1].var.value().to_double_vector();
    const auto b_ref = bs.select(0, step).to_double_vector();
    for (std::size_t i = 0; i < w.size(); ++i) CHECK(std::abs(w[i] - w_ref[i]) <= 1e-10);
    for (std::size_t i = 0; i < b.size(); ++i) CHECK(std::abs(b[i] - b_ref[i]) <= 1e-10);
  }
}
}  // namespace

// torch.optim decays every parameter of a group: decay_bias_and_norm = true.
TEST_CASE("optim: sgd matches torch.optim.SGD") {
  check_against_torch("sgd_plain", [] { return sgd({.lr = 0.1}); });
  check_against_torch("sgd_momentum", [] {
    return sgd({.lr = 0.1, .momentum = 0.9, .dampening = 0.1, .weight_decay = 0.01,
                .decay_bias_and_norm = true});
  });
  check_against_torch("sgd_nesterov", [] {
    return sgd({.lr = 0.05, .momentum = 0.8, .nesterov = true, .weight_decay = 0.02,
                .decay_bias_and_norm = true});
  });
}

TEST_CASE("optim: adam matches torch.optim.Adam") {
  check_against_torch("adam", [] { return adam({.lr = 0.05}); });
  check_against_torch("adam_wd_amsgrad", [] {
    return adam({.lr = 0.05, .beta1 = 0.8, .beta2 = 0.99, .eps = 1e-6, .weight_decay = 0.1,
                 .amsgrad = true, .decay_bias_and_norm = true});
  });
}

TEST_CASE("optim: adamw matches torch.optim.AdamW") {
  check_against_torch("adamw", [] {
    return adamw({.lr = 0.05, .weight_decay = 0.1, .decay_bias_and_norm = true});
  });
}

TEST_CASE("optim: rmsprop matches torch.optim.RMSprop") {
  check_against_torch("rmsprop", [] { return rmsprop({.lr = 0.01}); });
  check_against_torch("rmsprop_centered", [] {
    return rmsprop({.lr = 0.01, .alpha = 0.9, .eps = 1e-6, .weight_decay = 0.05,
                    .momentum = 0.7, .centered = true, .decay_bias_and_norm = true});
  });
}

TEST_CASE("optim: adagrad matches torch.optim.Adagrad") {
  check_against_torch("adagrad", [] {
    return adagrad({.lr = 0.1, .lr_decay = 0.05, .weight_decay = 0.02,
                    .initial_accumulator = 0.1, .decay_bias_and_norm = true});
  });
}

TEST_CASE("optim: f32 parameters follow the torch f64 trajectory to f32 precision") {
  const Tensor X = load_npy(fixture("problem_X")).to(DType::f32);
  const Tensor Y = load_npy(fixture("problem_Y")).to(DType::f32);
  nn::ParameterList params{param("W", load_npy(fixture("problem_W0")).to(DType::f32)),
                           param("b", load_npy(fixture("problem_b0")).to(DType::f32), nn::ParamRole::bias)};
  Optimizer opt(params, chain(clip_by_global_norm(10.0), adamw({.lr = 0.05, .weight_decay = 0.1,
                                                                 .decay_bias_and_norm = true})));
  for (int step = 0; step < 10; ++step) {
    opt.zero_grad();
    problem_loss(X, Y, params[0].var, params[1].var).backward();
    CHECK_FALSE(opt.step().clipped);  // the threshold is far away: plain AdamW
  }
  const auto w = params[0].var.value().to_double_vector();
  const auto w_ref = load_npy(fixture("adamw_W")).select(0, 9).to_double_vector();
  for (std::size_t i = 0; i < w.size(); ++i) CHECK(std::abs(w[i] - w_ref[i]) <= 1e-4);
}
