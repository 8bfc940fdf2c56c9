// Non-finite gradients never reach the weights unnoticed. Gradients made NaN
// by a real backward pass (a NaN in the input batch) meet each guard:
//   - skip_nonfinite first: the step is skipped, weights and state bitwise unchanged;
//   - clip_by_global_norm alone (Note [non-finite norm]): by default an error
//     naming the norm and the first non-finite parameter, weights unchanged;
//     NonfinitePolicy::skip skips the step; ::propagate lets the NaN through,
//     as asked;
//   - finite gradients whose squares overflow double are clipped correctly.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#include "autodiff/autodiff.hpp"
#include "nn/linear.hpp"
#include "nn/losses.hpp"
#include "nn/sequential.hpp"
#include "nn/tanh.hpp"
#include "optim/optim.hpp"
#include "tensor/creation.hpp"
#include "tensor/error.hpp"
#include "tensor/random.hpp"

using namespace tg;
using namespace tg::optim;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::shared_ptr<nn::Sequential> mlp() {
  return std::make_shared<nn::Sequential>(std::make_shared<nn::Linear>(3, 4, nn::LinearOptions{.seed = 1}),
                                          std::make_shared<nn::Tanh>(),
                                          std::make_shared<nn::Linear>(4, 2, nn::LinearOptions{.seed = 2}));
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         std::memcmp(a.contiguous().raw_data(), b.contiguous().raw_data(),
                     static_cast<std::size_t>(a.numel()) * dtype_size(a.dtype())) == 0;
}

nn::NamedTensors snapshot(const nn::Module& m) {
  nn::NamedTensors out;
  for (const auto& p : m.named_parameters()) out.emplace_back(p.name, p.var.value().clone());
  return out;
}

bool unchanged(const nn::Module& m, const nn::NamedTensors& before) {
  const auto params = m.named_parameters();
  for (std::size_t i = 0; i < params.size(); ++i)
    if (!same_bits(params[i].var.value(), before[i].second)) return false;
  return true;
}

bool all_finite(const nn::Module& m) {
  for (const auto& p : m.named_parameters())
    for (double v : p.var.value().to_double_vector())
      if (!std::isfinite(v)) return false;
  return true;
}

// One forward/backward on a batch; `poison` puts a NaN in the input, which
// makes every gradient NaN (the first layer's weight gradient included).
void backward_on_batch(nn::Sequential& model, bool poison) {
  Generator gen(3);
  Tensor x = randn({5, 3}, gen);
  if (poison) x.data<float>()[4] = static_cast<float>(kNaN);
  const Tensor y = from_vector(std::vector<std::int64_t>{0, 1, 1, 0, 1});
  nn::cross_entropy(model(Var(x)), y).backward();
}

// Two good steps (so momentum state is not zero), then a poisoned one.
StepReport poisoned_step(nn::Sequential& model, Optimizer& opt, nn::NamedTensors& before,
                         nn::NamedTensors& state_before) {
  for (int k = 0; k < 2; ++k) {
    opt.zero_grad();
    backward_on_batch(model, false);
    opt.step();
  }
  before = snapshot(model);
  state_before = opt.state_dict();
  opt.zero_grad();
  backward_on_batch(model, true);
  return opt.step();
}

}  // namespace

TEST_CASE("reliability: a NaN batch gives NaN gradients (the premise of the guards)") {
  auto model = mlp();
  backward_on_batch(*model, true);
  CHECK(std::isnan(sum(model->named_parameters()[0].var.grad()).item()));
}

TEST_CASE("reliability: skip_nonfinite skips a NaN step, weights and state bitwise unchanged") {
  auto model = mlp();
  Optimizer opt(model->named_parameters(), chain(skip_nonfinite(3), clip_by_global_norm(1.0), sgd({.lr = 0.1, .momentum = 0.9})));
  nn::NamedTensors before, state_before;
  const StepReport r = poisoned_step(*model, opt, before, state_before);
  CHECK(r.skipped);
  CHECK(unchanged(*model, before));
  const nn::NamedTensors state_after = opt.state_dict();
  REQUIRE(state_after.size() == state_before.size());
  for (std::size_t i = 0; i < state_after.size(); ++i)
    if (state_after[i].first.find("skip_nonfinite") == std::string::npos) {
      CAPTURE(state_after[i].first);
      CHECK(same_bits(state_after[i].second, state_before[i].second));
    }
}

TEST_CASE("reliability: clip_by_global_norm refuses a NaN norm by default, naming the parameter") {
  auto model = mlp();
  Optimizer opt(model->named_parameters(), chain(clip_by_global_norm(1.0), sgd({.lr = 0.1, .momentum = 0.9})));
  nn::NamedTensors before, state_before;
  CHECK_THROWS_WITH_AS(poisoned_step(*model, opt, before, state_before),
                       doctest::Contains("clip_by_global_norm: the gradient norm is nan; first non-finite "
                                         "parameter: '0.weight'"),
                       tg::Error);
  CHECK(unchanged(*model, before));  // the error came before anything was applied
  CHECK(all_finite(*model));
}

TEST_CASE("reliability: clip_by_global_norm with NonfinitePolicy::skip skips the step") {
  auto model = mlp();
  Optimizer opt(model->named_parameters(),
                chain(clip_by_global_norm(1.0, NonfinitePolicy::skip), sgd({.lr = 0.1, .momentum = 0.9})));
  nn::NamedTensors before, state_before;
  const StepReport r = poisoned_step(*model, opt, before, state_before);
  CHECK(r.skipped);
  CHECK(r.step == 2);
  CHECK(unchanged(*model, before));
  const nn::NamedTensors state_after = opt.state_dict();
  for (std::size_t i = 0; i < state_after.size(); ++i)
    if (state_after[i].first.find("clip_by_global_norm") == std::string::npos) {
      CAPTURE(state_after[i].first);
      CHECK(same_bits(state_after[i].second, state_before[i].second));
    }
  // The next finite step is applied as usual.
  opt.zero_grad();
  backward_on_batch(*model, false);
  CHECK_FALSE(opt.step().skipped);
  CHECK_FALSE(unchanged(*model, before));
  CHECK(all_finite(*model));
}

TEST_CASE("reliability: clip_by_global_norm with NonfinitePolicy::propagate lets the NaN through") {
  auto model = mlp();
  Optimizer opt(model->named_parameters(),
                chain(clip_by_global_norm(1.0, NonfinitePolicy::propagate), sgd({.lr = 0.1})));
  nn::NamedTensors before, state_before;
  const StepReport r = poisoned_step(*model, opt, before, state_before);
  CHECK_FALSE(r.skipped);
  CHECK_FALSE(all_finite(*model));  // asked for, and it happened
}

TEST_CASE("reliability: finite gradients whose squares overflow are clipped, not zeroed") {
  nn::ParameterList params{{"w", Var(zeros({2}, DType::f64), true), nn::ParamRole::weight},
                           {"b", Var(zeros({1}, DType::f64), true), nn::ParamRole::bias}};
  // Norm 1.3e201: each square overflows double, the norm does not.
  params[0].var.set_grad(Var(tensor({3e200, 4e200}, DType::f64)));
  params[1].var.set_grad(Var(tensor({12e200}, DType::f64)));
  Optimizer opt(params, chain(clip_by_global_norm(2.6), scale_by_learning_rate(1.0)));
  const StepReport r = opt.step();
  CHECK(r.clipped);
  CHECK_FALSE(r.skipped);
  const auto w = params[0].var.value().to_double_vector();
  const auto b = params[1].var.value().to_double_vector();
  CHECK(w[0] == doctest::Approx(-0.6).epsilon(1e-12));
  CHECK(w[1] == doctest::Approx(-0.8).epsilon(1e-12));
  CHECK(b[0] == doctest::Approx(-2.4).epsilon(1e-12));
}
