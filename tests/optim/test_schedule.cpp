// Schedules against torch.optim.lr_scheduler (fixtures) and their formulas;
// their position is optimizer state.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "helpers.hpp"
#include "tensor/npy.hpp"

using namespace tg;
using namespace tg::optim;
using optim_test::param;

namespace {
std::vector<double> torch_lrs(const std::string& name) {
  return load_npy(std::string(TG_TEST_DATA_DIR) + "/optim/schedule_" + name + ".npy")
      .to_double_vector();
}

void check_matches(const Schedule& s, const std::vector<double>& expected, std::size_t steps) {
  CAPTURE(s.description());
  REQUIRE(expected.size() >= steps);
  for (std::size_t t = 0; t < steps; ++t) {
    CAPTURE(t);
    CHECK(std::abs(s(std::int64_t(t)) - expected[t]) <= 1e-12);
  }
}
}  // namespace

TEST_CASE("optim: schedules match torch.optim.lr_scheduler") {
  check_matches(step_decay(1.0, 7, 0.5), torch_lrs("step"), 30);
  check_matches(exponential_decay(1.0, 0.9), torch_lrs("exponential"), 30);
  // CosineAnnealingLR is periodic after T_max; cosine_decay holds its final value.
  check_matches(cosine_decay(1.0, 20, 0.01), torch_lrs("cosine"), 21);
  check_matches(one_cycle(1.0, 30), torch_lrs("one_cycle"), 30);
}

TEST_CASE("optim: warmup schedules follow their formulas") {
  const Schedule warm = linear_warmup(2.0, 4, 0.4);
  CHECK(warm(0) == 0.4);
  CHECK(warm(2) == doctest::Approx(1.2));  // 0.4 + 1.6·2/4
  CHECK(warm(4) == 2.0);
  CHECK(warm(100) == 2.0);
  const Schedule cos = cosine_decay(1.0, 10, 0.0, 4);
  CHECK(cos(0) == 0.0);
  CHECK(cos(2) == doctest::Approx(0.5));
  CHECK(cos(4) == doctest::Approx(1.0));
  CHECK(cos(7) == doctest::Approx(0.5));  // halfway through the 6 decay steps
  CHECK(cos(5) == doctest::Approx(0.5 * (1 + std::cos(std::numbers::pi / 6))));
  CHECK(cos(10) == 0.0);
  CHECK(cos(50) == 0.0);
  const Schedule inv = inverse_time_decay(0.3, 0.5);
  CHECK(inv(0) == 0.3);
  CHECK(inv(4) == doctest::Approx(0.1));
  CHECK(constant(0.7)(123) == 0.7);
}

TEST_CASE("optim: a schedule's position is state: skipped steps hold it, checkpoints restore it") {
  nn::ParameterList params{param("w", zeros({1}, DType::f64))};
  auto make = [] { return chain(skip_nonfinite(5), scale_by_learning_rate(exponential_decay(1.0, 0.5))); };
  Optimizer opt(params, make());
  optim_test::set_grad(params[0], ones({1}, DType::f64));
  CHECK(opt.step().learning_rate == 1.0);
  CHECK(opt.step().learning_rate == 0.5);
  optim_test::set_grad(params[0], full({1}, std::nan(""), DType::f64));
  CHECK(opt.step().skipped);
  optim_test::set_grad(params[0], ones({1}, DType::f64));
  CHECK(opt.step().learning_rate == 0.25);  // the skipped step did not advance it
  Optimizer resumed(params, make());
  resumed.load_state_dict(opt.state_dict());
  CHECK(resumed.step().learning_rate == 0.125);
  CHECK(resumed.step_count() == 4);
}

TEST_CASE("optim: a schedule can drive the clip threshold") {
  nn::ParameterList params{param("w", zeros({1}, DType::f64))};
  Optimizer opt(params, chain(clip_by_global_norm(step_decay(4.0, 1, 0.5)),
                              scale_by_learning_rate(1.0)));
  optim_test::set_grad(params[0], tensor({10.0}, DType::f64));
  CHECK(opt.step().update_norm == doctest::Approx(4.0));
  CHECK(opt.step().update_norm == doctest::Approx(2.0));
  CHECK(opt.step().update_norm == doctest::Approx(1.0));
}
