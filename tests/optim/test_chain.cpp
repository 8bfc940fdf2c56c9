// Composition: order checks, accumulation equivalence, missing gradients,
// checkpoints of optimizer state.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

#include "helpers.hpp"

using namespace tg;
using namespace tg::optim;
using optim_test::param;
using optim_test::same_bits;

namespace {
nn::ParameterList one_param() { return {param("w", ones({2}, DType::f64))}; }

std::string problems_of(TransformPtr t) {
  std::string all;
  for (const auto& p : chain_order_problems(*t)) all += p + "\n";
  return all;
}
}  // namespace

TEST_CASE("optim: chain-order checks flag suspicious orders and throw in strict mode") {
  CHECK_THROWS_WITH_AS(
      Optimizer(one_param(), chain(scale_by_learning_rate(0.1), clip_by_global_norm(1.0)), {.strict = true}),
      doctest::Contains("clip_by_global_norm after scale_by_learning_rate"), tg::Error);
  CHECK_THROWS_WITH_AS(
      Optimizer(one_param(), chain(add_l2_to_grad(0.1), scale_by_rms(), scale_by_learning_rate(0.1)),
                {.strict = true}),
      doctest::Contains("add_l2_to_grad before scale_by_rms"), tg::Error);
  CHECK_THROWS_WITH_AS(
      Optimizer(one_param(),
                chain(clip_by_value(1.0), accumulate(4, chain(scale_by_adam(), scale_by_learning_rate(0.1)))),
                {.strict = true}),
      doctest::Contains("clip_by_value before accumulate"), tg::Error);
  CHECK(problems_of(chain(momentum(0.9), skip_nonfinite(), scale_by_learning_rate(0.1)))
            .find("skip_nonfinite is not first") != std::string::npos);
  // Not strict: the optimizer is built (the warning goes to stderr).
  CHECK_NOTHROW(Optimizer(one_param(), chain(add_l2_to_grad(0.1), scale_by_adam(),
                                             scale_by_learning_rate(0.1))));
  // Sensible chains have no problems, presets included.
  CHECK(problems_of(chain(skip_nonfinite(), accumulate(2, chain(clip_by_global_norm(1.0), scale_by_adam(),
                                                                decoupled_weight_decay(0.1),
                                                                scale_by_learning_rate(0.1))),
                          max_norm_constraint(3.0))) == "");
  CHECK(problems_of(adam({.weight_decay = 0.1})) == "");
  // proximal_l1 cannot run without a learning rate: always an error.
  CHECK_THROWS_WITH_AS(Optimizer(one_param(), chain(scale_by_adam(), proximal_l1(0.1))),
                       doctest::Contains("proximal_l1: the chain has no scale_by_learning_rate"),
                       tg::Error);
}

TEST_CASE("optim: accumulate(k) over k micro-batches equals one k-times-larger batch") {
  Generator gen(3);
  const Tensor X = randn({8, 3}, gen, DType::f64), y = randn({8, 1}, gen, DType::f64);
  const Tensor w0 = randn({3, 1}, gen, DType::f64);
  auto loss = [](const Var& w, const Tensor& x, const Tensor& t) {
    return mean(square(matmul(Var(x), w) - Var(t)));
  };
  auto inner = [] { return chain(clip_by_global_norm(0.05), scale_by_adam(), scale_by_learning_rate(0.1)); };
  // Large batch: 3 steps on all 8 rows.
  nn::ParameterList big{param("w", w0.clone())};
  Optimizer big_opt(big, inner());
  for (int s = 0; s < 3; ++s) {
    big_opt.zero_grad();
    loss(big[0].var, X, y).backward();
    CHECK(big_opt.step().clipped);  // the threshold is active, so the order matters
  }
  // Micro-batches of 2 rows, accumulated 4 at a time, and the per-micro-batch clip for contrast.
  auto run_micro = [&](TransformPtr t) {
    nn::ParameterList small{param("w", w0.clone())};
    Optimizer opt(small, std::move(t));
    for (int s = 0; s < 12; ++s) {
      opt.zero_grad();
      loss(small[0].var, X.slice(0, 2 * (s % 4), 2 * (s % 4) + 2),
           y.slice(0, 2 * (s % 4), 2 * (s % 4) + 2)).backward();
      StepReport r = opt.step();
      CHECK(r.accumulating == (s % 4 != 3));
      CHECK(r.step == (s + 1) / 4);
    }
    return optim_test::values(small[0]);
  };
  const auto accumulated = run_micro(accumulate(4, inner()));
  const auto expected = optim_test::values(big[0]);
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(accumulated[i] == doctest::Approx(expected[i]).epsilon(1e-12));
  const auto clipped_early = run_micro(chain(clip_by_global_norm(0.05),
                                             accumulate(4, chain(scale_by_adam(), scale_by_learning_rate(0.1)))));
  double diff = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) diff += std::abs(clipped_early[i] - expected[i]);
  CHECK(diff > 1e-6);
}

TEST_CASE("optim: a parameter without a gradient is skipped, state and all") {
  nn::ParameterList params{param("a", ones({2}, DType::f64)), param("frozen", ones({2}, DType::f64))};
  Optimizer opt(params, chain(momentum(0.9), decoupled_weight_decay(0.5, all_parameters()),
                              scale_by_learning_rate(0.1)));
  optim_test::set_grad(params[0], ones({2}, DType::f64));
  StepReport r = opt.step();
  CHECK(r.param_grad_norms[1] == 0.0);
  CHECK(r.param_grad_norms[0] == doctest::Approx(std::sqrt(2.0)));
  CHECK(optim_test::values(params[1]) == std::vector<double>{1.0, 1.0});  // not even decayed
  CHECK(optim_test::values(params[0])[0] == doctest::Approx(1 - 0.1 * (1 + 0.5)));
  for (const auto& [name, t] : opt.state_dict()) CHECK(name.find("frozen") == std::string::npos);
  opt.zero_grad();
  CHECK_FALSE(params[0].var.grad().defined());
}

TEST_CASE("optim: state_dict round trip resumes bit for bit, in memory and through a file") {
  auto make = [] {
    return chain(skip_nonfinite(), clip_by_global_norm(1.0), momentum(0.5), scale_by_adam(0.8, 0.9, 1e-8, true),
                 decoupled_weight_decay(cosine_decay(0.1, 20)), scale_by_learning_rate(exponential_decay(0.1, 0.9)));
  };
  auto grad_at = [](int step) { return tensor({std::sin(step + 1.0), std::cos(3.0 * step)}, DType::f64); };
  nn::ParameterList a{param("w", tensor({0.3, -0.2}, DType::f64))};
  Optimizer first(a, make());
  for (int s = 0; s < 3; ++s) { optim_test::set_grad(a[0], grad_at(s)); first.step(); }
  nn::ParameterList b{param("w", a[0].var.value().clone())};
  nn::ParameterList c{param("w", a[0].var.value().clone())};
  Optimizer from_memory(b, make()), from_file(c, make());
  from_memory.load_state_dict(first.state_dict());
  const auto path = std::filesystem::temp_directory_path() / "tapegrad_optim_state.safetensors";
  first.save(path.string());
  from_file.load(path.string());
  std::filesystem::remove(path);
  for (int s = 3; s < 6; ++s) {
    for (auto* p : {&a[0], &b[0], &c[0]}) optim_test::set_grad(*p, grad_at(s));
    first.step();
    from_memory.step();
    from_file.step();
  }
  CHECK(same_bits(a[0].var.value(), b[0].var.value()));
  CHECK(same_bits(a[0].var.value(), c[0].var.value()));
  CHECK(from_file.step_count() == 6);
}

TEST_CASE("optim: load_state_dict names a missing, unexpected or mismatched entry and changes nothing") {
  nn::ParameterList params = one_param();
  Optimizer opt(params, adam());
  optim_test::set_grad(params[0], ones({2}, DType::f64));
  opt.step();
  const nn::NamedTensors before = opt.state_dict();
  nn::NamedTensors state = before;
  nn::NamedTensors extra = state;
  extra.emplace_back("0.momentum.trace.w", zeros({2}, DType::f64));
  CHECK_THROWS_WITH_AS(opt.load_state_dict(extra), doctest::Contains("unexpected '0.momentum.trace.w'"),
                       tg::Error);
  nn::NamedTensors missing;
  for (const auto& e : state)
    if (e.first.find(".mu.") == std::string::npos) missing.push_back(e);
  CHECK_THROWS_WITH_AS(opt.load_state_dict(missing), doctest::Contains("missing '0.scale_by_adam.mu.w'"),
                       tg::Error);
  for (auto& e : state)
    if (e.first == "0.scale_by_adam.nu.w") e.second = zeros({3}, DType::f64);
  // Entries before the bad one would load fine; they must not be applied either.
  for (auto& e : state)
    if (e.first == "0.scale_by_adam.mu.w") e.second = full({2}, 7.0, DType::f64);
  CHECK_THROWS_WITH_AS(opt.load_state_dict(state),
                       doctest::Contains("'0.scale_by_adam.nu.w' has shape [3] f64, expected [2] f64"),
                       tg::Error);
  // The failed loads were validated first: the optimizer still holds its own state.
  const nn::NamedTensors after = opt.state_dict();
  REQUIRE(after.size() == before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    CAPTURE(after[i].first);
    CHECK(after[i].first == before[i].first);
    CHECK(same_bits(after[i].second, before[i].second));
  }
  CHECK(opt.step_count() == 1);
}
