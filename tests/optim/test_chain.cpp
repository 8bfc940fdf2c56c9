// Composition: order checks, accumulation equivalence, missing gradients,
// checkpoints of optimizer state, and the fused path against the unfused one.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "helpers.hpp"
#include "nn/safetensors.hpp"

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

TEST_CASE("optim: load() errors name the file") {
  nn::ParameterList params = one_param();
  Optimizer opt(params, adam());
  optim_test::set_grad(params[0], ones({2}, DType::f64));
  opt.step();
  const auto dir = std::filesystem::temp_directory_path();
  const std::string state_path = (dir / "tapegrad_optim_load_errors.safetensors").string();
  const std::string model_path = (dir / "tapegrad_optim_load_model.safetensors").string();
  // State of another chain: the load_state_dict error, prefixed with the file.
  Optimizer sgd_opt(params, sgd({.lr = 0.1, .momentum = 0.9}));
  sgd_opt.step();
  sgd_opt.save(state_path);
  CHECK_THROWS_WITH_AS(opt.load(state_path),
                       doctest::Contains(("Optimizer::load: '" + state_path + "': load_state_dict: ").c_str()),
                       tg::Error);
  // A model checkpoint is not optimizer state.
  nn::save_safetensors(model_path, {{"w", ones({2}, DType::f64)}}, {{"format", "tapegrad"}});
  CHECK_THROWS_WITH_AS(opt.load(model_path), doctest::Contains("holds 'tapegrad', not optimizer state"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(opt.load((dir / "tapegrad_no_such_file.safetensors").string()),
                       doctest::Contains("tapegrad_no_such_file.safetensors"), tg::Error);
  std::filesystem::remove(state_path);
  std::filesystem::remove(model_path);
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

// --- the fused path (Note [fused update] in optim/transform.hpp) ----------------

namespace {
// Parameters with a tensor longer than two chunks and not a multiple of one,
// a bias (outside decay_mask()), and a parameter that gets no gradient on some steps.
nn::ParameterList fused_test_params(DType dtype) {
  Generator gen(21);
  return {param("w1", randn({50, 100}, gen, dtype)),
          param("b1", randn({50}, gen, dtype), nn::ParamRole::bias),
          param("w2", randn({3, 50}, gen, dtype)),
          param("sometimes", randn({7}, gen, dtype))};
}

void set_step_grads(nn::ParameterList& params, int step, bool poison) {
  Generator gen(1000 + step);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i == 3 && step % 3 == 1) {
      params[i].var.zero_grad();  // no gradient this step (Note [missing gradients])
      continue;
    }
    const Tensor& v = params[i].var.value();
    Tensor g = mul(randn(v.shape(), gen, v.dtype()), 0.2 + 0.1 * (step % 4));
    if (poison && i == 1) g = full(v.shape(), std::numeric_limits<double>::quiet_NaN(), v.dtype());
    optim_test::set_grad(params[i], g);
  }
}

bool same_reports(const StepReport& a, const StepReport& b) {
  auto same = [](double x, double y) { return std::memcmp(&x, &y, sizeof(double)) == 0; };
  return a.step == b.step && same(a.grad_norm, b.grad_norm) && same(a.update_norm, b.update_norm) &&
         a.param_grad_norms.size() == b.param_grad_norms.size() &&
         std::memcmp(a.param_grad_norms.data(), b.param_grad_norms.data(),
                     a.param_grad_norms.size() * sizeof(double)) == 0 &&
         a.clipped == b.clipped &&
         a.skipped == b.skipped && a.accumulating == b.accumulating &&
         a.consecutive_skips == b.consecutive_skips && same(a.learning_rate, b.learning_rate);
}

// Runs `make()` fused and unfused side by side on the same gradients.
void check_fused_equals_unfused(const std::string& name, const std::function<TransformPtr()>& make,
                                DType dtype, int steps = 100) {
  CAPTURE(name);
  const std::string dtype_str = dtype_name(dtype);
  CAPTURE(dtype_str);
  nn::ParameterList fused_params = fused_test_params(dtype), plain_params = fused_test_params(dtype);
  Optimizer fused(fused_params, make(), {.fuse = true});
  Optimizer plain(plain_params, make(), {.fuse = false});
  for (int step = 0; step < steps; ++step) {
    CAPTURE(step);
    const bool poison = step % 17 == 5;  // a NaN gradient now and then, for the guards
    set_step_grads(fused_params, step, poison);
    set_step_grads(plain_params, step, poison);
    const StepReport a = fused.step(), b = plain.step();
    REQUIRE(same_reports(a, b));
    for (std::size_t i = 0; i < fused_params.size(); ++i)
      REQUIRE(same_bits(fused_params[i].var.value(), plain_params[i].var.value()));
  }
  const nn::NamedTensors sa = fused.state_dict(), sb = plain.state_dict();
  REQUIRE(sa.size() == sb.size());
  for (std::size_t i = 0; i < sa.size(); ++i) {
    CAPTURE(sa[i].first);
    CHECK(sa[i].first == sb[i].first);
    CHECK(same_bits(sa[i].second, sb[i].second));
  }
}
}  // namespace

TEST_CASE("optim: the fused update equals one pass per transform, bit for bit, over 100 steps") {
  const std::vector<std::pair<std::string, std::function<TransformPtr()>>> chains = {
      {"clip, l2, momentum, lr (the flagship)", [] {
         return chain(skip_nonfinite(100), clip_by_global_norm(1.0), add_l2_to_grad(5e-4), momentum(0.9),
                      scale_by_learning_rate(0.05));
       }},
      {"clip, decoupled decay, nesterov, schedule", [] {
         return chain(skip_nonfinite(100), clip_by_global_norm(cosine_decay(2.0, 200, 0.5)),
                      decoupled_weight_decay(5e-4), momentum(0.9, true),
                      scale_by_learning_rate(cosine_decay(0.05, 80, 0.0, 10)));
       }},
      {"clip around a preset (nested chains)", [] {
         return chain(skip_nonfinite(100), clip_by_global_norm(0.5),
                      sgd({.lr = 0.05, .momentum = 0.9, .dampening = 0.1, .weight_decay = 1e-3}));
       }},
      {"adamw with amsgrad", [] {
         return chain(skip_nonfinite(100), clip_by_global_norm(1.0),
                      adamw({.lr = 1e-2, .weight_decay = 0.1, .amsgrad = true}));
       }},
      {"adam, rmsprop, adagrad presets", [] {
         return chain(skip_nonfinite(100), masked(adam({.lr = 1e-2, .weight_decay = 1e-2}), decay_mask()),
                      masked(rmsprop({.lr = 1e-3, .weight_decay = 1e-2, .momentum = 0.5, .centered = true}),
                             invert(decay_mask())),
                      masked(adagrad({.lr = 0.05, .lr_decay = 0.01}), mask_by_names({"w2"})));
       }},
      {"masked chains, value clip and after-step hooks", [] {
         return chain(skip_nonfinite(100), clip_by_value(0.3),
                      masked(chain(add_l2_to_grad(1e-3), momentum(0.8)), decay_mask()),
                      decoupled_weight_decay(1e-2, all_parameters(), false),
                      scale_by_learning_rate(0.1), max_norm_constraint(3.0), proximal_l1(1e-3));
       }},
      {"unfusable transforms split the runs", [] {
         return chain(skip_nonfinite(100), add_l2_to_grad(1e-3), clip_by_global_norm(1.0),
                      clip_by_param_norm(0.4), momentum(0.9), adaptive_clip(0.5),
                      scale_by_learning_rate(0.05));
       }},
      {"accumulate around a fused chain", [] {
         return chain(skip_nonfinite(100),
                      accumulate(3, chain(clip_by_global_norm(0.5), scale_by_adam(), scale_by_learning_rate(0.01))));
       }},
      {"clip skips non-finite steps itself", [] {
         return chain(clip_by_global_norm(1.0, NonfinitePolicy::skip), momentum(0.9), scale_by_learning_rate(0.05));
       }},
      {"a clip that scales on some steps, l2, lr: all fold (Note [folded scales])", [] {
         return chain(skip_nonfinite(100), clip_by_global_norm(25.0), add_l2_to_grad(1e-3),
                      scale_by_learning_rate(0.05));
       }},
  };
  for (DType dtype : {DType::f32, DType::f64})
    for (const auto& [name, make] : chains) check_fused_equals_unfused(name, make, dtype);
}

TEST_CASE("optim: a fused step that throws leaves the state of the unfused chain") {
  // lr goes negative at the third step; momentum, before it in the run, has updated its trace.
  auto make = [] {
    return chain(clip_by_global_norm(1.0), momentum(0.9),
                 scale_by_learning_rate(Schedule([](std::int64_t t) { return 0.1 - 0.06 * double(t); }, "down")));
  };
  nn::ParameterList fused_params = fused_test_params(DType::f32), plain_params = fused_test_params(DType::f32);
  Optimizer fused(fused_params, make(), {.fuse = true});
  Optimizer plain(plain_params, make(), {.fuse = false});
  for (int step = 0; step < 3; ++step) {
    set_step_grads(fused_params, step, false);
    set_step_grads(plain_params, step, false);
    if (step < 2) {
      fused.step();
      plain.step();
      continue;
    }
    CHECK_THROWS_WITH_AS(fused.step(), doctest::Contains("scale_by_learning_rate: lr must be >= 0"), tg::Error);
    CHECK_THROWS_AS(plain.step(), tg::Error);
  }
  const nn::NamedTensors sa = fused.state_dict(), sb = plain.state_dict();
  REQUIRE(sa.size() == sb.size());
  for (std::size_t i = 0; i < sa.size(); ++i) {
    CAPTURE(sa[i].first);
    CHECK(same_bits(sa[i].second, sb[i].second));
  }
  for (std::size_t i = 0; i < fused_params.size(); ++i)
    CHECK(same_bits(fused_params[i].var.value(), plain_params[i].var.value()));
}

TEST_CASE("optim: tied parameters (one tensor listed twice) step the same fused and unfused") {
  auto run = [](bool fuse) {
    const Var shared(tensor({0.5, -1.0, 2.0}, DType::f64), true);
    nn::ParameterList params{{"encoder.weight", shared, nn::ParamRole::weight},
                             {"decoder.weight", shared, nn::ParamRole::weight}};
    Optimizer opt(params, chain(add_l2_to_grad(0.1), momentum(0.9), scale_by_learning_rate(0.1)),
                  {.fuse = fuse});
    for (int step = 0; step < 5; ++step) {
      optim_test::set_grad(params[0], tensor({0.1 * step, 0.2, -0.3}, DType::f64));
      opt.step();
    }
    return shared.value().clone();
  };
  CHECK(same_bits(run(true), run(false)));
}

TEST_CASE("optim: norms of integer gradients are exact, whatever the alignment and the path") {
  // Σ i² for i < n is an integer below 2^53: every partial sum is exact, so
  // grad_norm and update_norm must be sqrt of the exact value (Note [vector
  // sums of squares]). n spans more than two chunks and is not a multiple of
  // the 32 lanes; the misaligned gradient starts 4 bytes into its storage.
  const std::int64_t n = 5003;
  const double exact = std::sqrt(double(n - 1) * double(n) * double(2 * n - 1) / 6.0);
  const Tensor aligned = arange(0, double(n), 1.0, DType::f32);
  const Tensor misaligned = arange(-1, double(n), 1.0, DType::f32).narrow(0, 1, n);
  REQUIRE(misaligned.is_contiguous());
  for (const Tensor& g : {aligned, misaligned})
    for (bool fuse : {true, false}) {
      CAPTURE(fuse);
      nn::ParameterList params{param("w", zeros({n}, DType::f32))};
      Optimizer opt(params, chain(clip_by_global_norm(1e9), scale_by_learning_rate(1.0)), {.fuse = fuse});
      optim_test::set_grad(params[0], g);
      const StepReport r = opt.step();
      CHECK(r.grad_norm == exact);
      CHECK(r.update_norm == exact);  // u = -1 * g, exactly
    }
}

namespace {
// An elementwise no-op whose after_step() looks at ctx.updates, and says (or
// not) that it does (Note [update buffers] in optim/transform.hpp).
class UpdateRecorder : public ElementwiseTransform {
 public:
  explicit UpdateRecorder(bool says_it_reads) : says_it_reads_(says_it_reads) {}
  std::string name() const override { return "update_recorder"; }
  void update_chunk(UpdateContext&, const Chunk&) override {}
  bool reads_updates_after_step() const override { return says_it_reads_; }
  void after_step(UpdateContext& ctx) override {
    seen.clear();
    for (std::size_t i : ctx.active)
      seen.push_back(ctx.updates[i].defined() ? ctx.updates[i].clone() : Tensor());
  }
  std::vector<Tensor> seen;

 private:
  bool says_it_reads_;
};
}  // namespace

TEST_CASE("optim: a fused step keeps the update buffers only for an after-step hook that reads them") {
  for (bool reads : {true, false}) {
    CAPTURE(reads);
    std::vector<std::vector<Tensor>> seen;
    for (bool fuse : {true, false}) {
      nn::ParameterList params = fused_test_params(DType::f32);
      auto recorder = std::make_unique<UpdateRecorder>(reads);
      UpdateRecorder* rec = recorder.get();
      Optimizer opt(params,
                    chain(clip_by_global_norm(1.0), momentum(0.9), scale_by_learning_rate(0.1),
                          std::move(recorder)),
                    {.fuse = fuse});
      set_step_grads(params, 0, false);
      opt.step();
      seen.push_back(rec->seen);
    }
    const std::vector<Tensor>& fused = seen[0];
    const std::vector<Tensor>& plain = seen[1];
    REQUIRE(fused.size() == plain.size());
    for (std::size_t i = 0; i < fused.size(); ++i) {
      CHECK(plain[i].defined());
      if (reads)
        CHECK(same_bits(fused[i], plain[i]));
      else
        CHECK_FALSE(fused[i].defined());  // never stale numbers
    }
  }
}
