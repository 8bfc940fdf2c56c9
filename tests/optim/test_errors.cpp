// Every configuration error names the transform, the field and the value.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "helpers.hpp"

using namespace tg;
using namespace tg::optim;
using optim_test::param;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

#define CHECK_ERROR(expr, text) CHECK_THROWS_WITH_AS((void)(expr), doctest::Contains(text), tg::Error)

TEST_CASE("optim: bad learning rates are errors naming the field and value") {
  CHECK_ERROR(scale_by_learning_rate(0.0), "scale_by_learning_rate: lr must be > 0, got 0");
  CHECK_ERROR(scale_by_learning_rate(-0.1), "lr must be > 0, got -0.1");
  CHECK_ERROR(scale_by_learning_rate(kNaN), "scale_by_learning_rate: lr must be > 0, got nan");
  CHECK_ERROR(sgd({.lr = 0.0}), "sgd: lr must be > 0, got 0");
  CHECK_ERROR(adam({.lr = kNaN}), "adam: lr must be > 0, got nan");
  CHECK_ERROR(adamw({.lr = -1.0}), "adamw: lr must be > 0, got -1");
  CHECK_ERROR(rmsprop({.lr = 0.0}), "rmsprop: lr must be > 0, got 0");
  CHECK_ERROR(adagrad({.lr = -2.0}), "adagrad: lr must be > 0, got -2");
  // A schedule that goes negative during training fails at that step.
  nn::ParameterList params{param("w", zeros({1}, DType::f64))};
  Optimizer opt(params, chain(scale_by_learning_rate(Schedule([](std::int64_t t) { return 1.0 - t; }, "bad"))));
  optim_test::set_grad(params[0], ones({1}, DType::f64));
  opt.step();
  opt.step();  // lr = 0 is allowed for schedules (warmup starts there)
  CHECK_ERROR(opt.step(), "scale_by_learning_rate: lr must be >= 0, got -1");
}

TEST_CASE("optim: bad betas, eps and decay rates are errors") {
  CHECK_ERROR(scale_by_adam(1.0), "scale_by_adam: beta1 must be in [0, 1), got 1");
  CHECK_ERROR(scale_by_adam(0.9, -0.1), "scale_by_adam: beta2 must be in [0, 1), got -0.1");
  CHECK_ERROR(scale_by_adam(0.9, 0.999, 0.0), "scale_by_adam: eps must be > 0, got 0");
  CHECK_ERROR(adam({.beta1 = 1.5}), "adam: beta1 must be in [0, 1), got 1.5");
  CHECK_ERROR(adamw({.beta2 = kNaN}), "adamw: beta2 must be in [0, 1), got nan");
  CHECK_ERROR(adam({.eps = -1e-8}), "adam: eps must be > 0, got -1e-08");
  CHECK_ERROR(scale_by_rms(1.0), "scale_by_rms: decay must be in [0, 1), got 1");
  CHECK_ERROR(scale_by_rms(0.9, 0.0), "scale_by_rms: eps must be > 0, got 0");
  CHECK_ERROR(rmsprop({.alpha = -0.5}), "rmsprop: alpha must be in [0, 1), got -0.5");
  CHECK_ERROR(scale_by_adagrad(0.0), "scale_by_adagrad: eps must be > 0, got 0");
  CHECK_ERROR(scale_by_adagrad(1e-10, -1.0), "scale_by_adagrad: initial_accumulator must be >= 0, got -1");
  CHECK_ERROR(momentum(1.0), "momentum: beta must be in [0, 1), got 1");
  CHECK_ERROR(momentum(0.9, false, 1.5), "momentum: dampening must be in [0, 1), got 1.5");
  CHECK_ERROR(momentum(0.9, true, 0.1), "momentum: nesterov needs beta > 0 and dampening = 0");
  CHECK_ERROR(sgd({.momentum = -0.9}), "sgd: momentum must be in [0, 1), got -0.9");
}

TEST_CASE("optim: negative decay and clip coefficients are errors") {
  CHECK_ERROR(add_l2_to_grad(-1.0), "add_l2_to_grad: lambda must be >= 0, got -1");
  CHECK_ERROR(decoupled_weight_decay(-0.01), "decoupled_weight_decay: lambda must be >= 0, got -0.01");
  CHECK_ERROR(proximal_l1(-1.0), "proximal_l1: lambda must be >= 0, got -1");
  CHECK_ERROR(sgd({.weight_decay = -1.0}), "sgd: weight_decay must be >= 0, got -1");
  CHECK_ERROR(adamw({.weight_decay = -1.0}), "adamw: weight_decay must be >= 0, got -1");
  CHECK_ERROR(adagrad({.lr_decay = -1.0}), "adagrad: lr_decay must be >= 0, got -1");
  CHECK_ERROR(clip_by_global_norm(0.0), "clip_by_global_norm: max_norm must be > 0, got 0");
  CHECK_ERROR(clip_by_global_norm(-1.0), "clip_by_global_norm: max_norm must be > 0, got -1");
  CHECK_ERROR(clip_by_value(-1.0), "clip_by_value: max_value must be > 0, got -1");
  CHECK_ERROR(clip_by_param_norm(0.0), "clip_by_param_norm: max_norm must be > 0, got 0");
  CHECK_ERROR(adaptive_clip(-0.01), "adaptive_clip: lambda must be > 0, got -0.01");
  CHECK_ERROR(adaptive_clip(0.01, 0.0), "adaptive_clip: eps must be > 0, got 0");
  CHECK_ERROR(max_norm_constraint(0.0), "max_norm_constraint: max_norm must be > 0, got 0");
  CHECK_ERROR(skip_nonfinite(-1), "skip_nonfinite: max_consecutive must be >= 0, got -1");
  CHECK_ERROR(accumulate(0, scale_by_learning_rate(1.0)), "accumulate: k must be >= 1, got 0");
}

TEST_CASE("optim: bad schedules are errors naming the field") {
  CHECK_ERROR(step_decay(1.0, 0, 0.5), "step_decay: step_size must be >= 1, got 0");
  CHECK_ERROR(step_decay(1.0, 5, -0.5), "step_decay: gamma must be > 0, got -0.5");
  CHECK_ERROR(exponential_decay(0.0, 0.9), "exponential_decay: init_value must be > 0, got 0");
  CHECK_ERROR(cosine_decay(1.0, 10, 0.0, 10), "cosine_decay: total_steps must be >= 11, got 10");
  CHECK_ERROR(cosine_decay(1.0, 10, -1.0), "cosine_decay: final_value must be >= 0, got -1");
  CHECK_ERROR(linear_warmup(1.0, 0), "linear_warmup: warmup_steps must be >= 1, got 0");
  CHECK_ERROR(one_cycle(1.0, 100, 1.5), "one_cycle: pct_start must be in (0, 1), got 1.5");
  CHECK_ERROR(one_cycle(1.0, 3, 0.3), "one_cycle: pct_start * total_steps must be > 1");
  CHECK_ERROR(one_cycle(-1.0, 100), "one_cycle: max_value must be > 0, got -1");
  CHECK_ERROR(inverse_time_decay(1.0, -0.1), "inverse_time_decay: decay must be >= 0, got -0.1");
}

TEST_CASE("optim: bad parameter lists are errors naming the parameter") {
  nn::ParameterList dup{param("w", zeros({1})), param("w", zeros({1}))};
  CHECK_ERROR(Optimizer(dup, sgd()), "Optimizer: duplicate parameter name 'w'");
  nn::ParameterList ints{{"idx", Var(zeros({2}, DType::i64)), nn::ParamRole::embedding}};
  CHECK_ERROR(Optimizer(ints, sgd()), "Optimizer: parameter 'idx' has dtype i64, expected f32 or f64");
  nn::ParameterList strided{{"t", Var(zeros({2, 3}).transpose(0, 1), true), nn::ParamRole::weight}};
  CHECK_ERROR(Optimizer(strided, sgd()), "Optimizer: parameter 't' is not contiguous");
  CHECK_ERROR(Optimizer(nn::ParameterList{}, nullptr), "Optimizer: the transform is null");
  CHECK_ERROR(masked(sgd(), Mask()), "masked: mask is empty");
}
