// The non-finite guard: skipped steps change nothing but the guard's counters;
// the budget runs out with an error naming the parameter.
#include <doctest/doctest.h>

#include <limits>

#include "helpers.hpp"

using namespace tg;
using namespace tg::optim;
using optim_test::param;
using optim_test::same_bits;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Everything but the guard's own counters.
nn::NamedTensors without_guard(const nn::NamedTensors& state) {
  nn::NamedTensors out;
  for (const auto& [name, t] : state)
    if (name.find("skip_nonfinite") == std::string::npos) out.emplace_back(name, t);
  return out;
}

bool same_state(const nn::NamedTensors& a, const nn::NamedTensors& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].first != b[i].first || !same_bits(a[i].second, b[i].second)) return false;
  return true;
}
}  // namespace

TEST_CASE("optim: skip_nonfinite skips the step and leaves parameters and state bitwise unchanged") {
  nn::ParameterList params{param("fc1.weight", tensor({{1.0, -2.0}, {0.5, 3.0}}, DType::f64)),
                           param("fc1.bias", tensor({0.1, 0.2}, DType::f64), nn::ParamRole::bias)};
  Optimizer opt(params, chain(skip_nonfinite(2), clip_by_global_norm(1.0),
                              momentum(0.9), scale_by_adam(), scale_by_learning_rate(0.1)));
  // One good step, so the state is not all zeros.
  optim_test::set_grad(params[0], tensor({{0.3, -0.1}, {0.2, 0.4}}, DType::f64));
  optim_test::set_grad(params[1], tensor({0.5, -0.5}, DType::f64));
  StepReport good = opt.step();
  CHECK_FALSE(good.skipped);
  CHECK(good.step == 1);

  const Tensor w_before = params[0].var.value().clone(), b_before = params[1].var.value().clone();
  const nn::NamedTensors state_before = without_guard(opt.state_dict());
  optim_test::set_grad(params[0], tensor({{0.3, kNaN}, {0.2, 0.4}}, DType::f64));
  optim_test::set_grad(params[1], tensor({kInf, -0.5}, DType::f64));
  for (std::int64_t k = 1; k <= 2; ++k) {
    StepReport r = opt.step();
    CHECK(r.skipped);
    CHECK(r.consecutive_skips == k);
    CHECK(r.step == 1);  // no update applied
    CHECK(same_bits(params[0].var.value(), w_before));
    CHECK(same_bits(params[1].var.value(), b_before));
    CHECK(same_state(without_guard(opt.state_dict()), state_before));
  }
  // The guard's own counters advanced and are in the checkpoint.
  const auto& guard = dynamic_cast<const SkipNonfinite&>(*opt.transform().children()[0]);
  CHECK(guard.state().consecutive == 2);
  CHECK(guard.state().total == 2);
  // Budget spent: the third one in a row names the first non-finite parameter.
  CHECK_THROWS_WITH_AS(opt.step(), doctest::Contains("first non-finite parameter: 'fc1.weight'"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(opt.step(), doctest::Contains("3 consecutive steps"), tg::Error);
}

TEST_CASE("optim: a finite step resets skip_nonfinite's consecutive count") {
  nn::ParameterList params{param("w", tensor({1.0}, DType::f64))};
  Optimizer opt(params, chain(skip_nonfinite(1), scale_by_learning_rate(0.5)));
  optim_test::set_grad(params[0], tensor({kNaN}, DType::f64));
  CHECK(opt.step().skipped);
  optim_test::set_grad(params[0], tensor({1.0}, DType::f64));
  StepReport r = opt.step();
  CHECK_FALSE(r.skipped);
  CHECK(optim_test::values(params[0])[0] == 0.5);
  optim_test::set_grad(params[0], tensor({kNaN}, DType::f64));
  CHECK(opt.step().skipped);  // the budget of 1 is available again
  CHECK_THROWS_AS(opt.step(), tg::Error);
}
