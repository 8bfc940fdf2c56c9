// Clipping transforms: norms against hand-computed truth, bitwise no-ops
// below the threshold, AGC's unit-wise bound.
#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"
#include "tensor/random.hpp"

using namespace tg;
using namespace tg::optim;
using optim_test::param;

namespace {
// Two parameters whose gradients are {3, 4} and {12}: global norm 13.
nn::ParameterList two_params() {
  nn::ParameterList params{param("a", zeros({2}, DType::f64)), param("b", zeros({1}, DType::f64))};
  optim_test::set_grad(params[0], tensor({3.0, 4.0}, DType::f64));
  optim_test::set_grad(params[1], tensor({12.0}, DType::f64));
  return params;
}

// A chain whose lr is 1 and whose sign flip we undo: params move by −update.
double moved_norm(const nn::ParameterList& params) {
  double s = 0;
  for (const auto& p : params)
    for (double v : optim_test::values(p)) s += v * v;
  return std::sqrt(s);
}
}  // namespace

TEST_CASE("optim: clip_by_global_norm reports the true norm and clips to max_norm") {
  nn::ParameterList params = two_params();
  Optimizer opt(params, chain(clip_by_global_norm(6.5), scale_by_learning_rate(1.0)));
  StepReport r = opt.step();
  CHECK(r.grad_norm == doctest::Approx(13.0).epsilon(1e-15));
  CHECK(r.param_grad_norms[0] == doctest::Approx(5.0).epsilon(1e-15));
  CHECK(r.param_grad_norms[1] == doctest::Approx(12.0).epsilon(1e-15));
  CHECK(r.clipped);
  CHECK(std::abs(r.update_norm - 6.5) <= 1e-6 * 6.5);
  // θ went from 0 to −(clipped gradient): the same direction, norm 6.5.
  CHECK(std::abs(moved_norm(params) - 6.5) <= 1e-6 * 6.5);
  CHECK(optim_test::values(params[0])[0] == doctest::Approx(-1.5));
  CHECK(optim_test::values(params[1])[0] == doctest::Approx(-6.0));
  CHECK(r.learning_rate == 1.0);
  CHECK(r.step == 1);
}

TEST_CASE("optim: clip_by_global_norm leaves gradients below the threshold bitwise unchanged") {
  Generator gen(7);
  nn::ParameterList params{param("w", zeros({5, 3}, DType::f32))};
  const Tensor g = randn({5, 3}, gen, DType::f32);
  optim_test::set_grad(params[0], g);
  const double g_norm = norm(g.to(DType::f64)).item();
  // clip → lr 1: the parameter becomes exactly −g if clipping did nothing.
  Optimizer opt(params, chain(clip_by_global_norm(g_norm * 1.01), scale_by_learning_rate(1.0)));
  StepReport r = opt.step();
  CHECK_FALSE(r.clipped);
  CHECK(optim_test::same_bits(params[0].var.value(), neg(g)));
}

TEST_CASE("optim: clip_by_value clamps each element and clip_by_param_norm each tensor") {
  nn::ParameterList params = two_params();
  Optimizer by_value(params, chain(clip_by_value(3.5), scale_by_learning_rate(1.0)));
  CHECK(by_value.step().clipped);
  CHECK(optim_test::values(params[0]) == std::vector<double>{-3.0, -3.5});
  CHECK(optim_test::values(params[1]) == std::vector<double>{-3.5});

  nn::ParameterList fresh = two_params();
  Optimizer by_norm(fresh, chain(clip_by_param_norm(6.0), scale_by_learning_rate(1.0)));
  by_norm.step();
  // a: ‖(3, 4)‖ = 5 ≤ 6 untouched; b: 12 → 6.
  CHECK(optim_test::values(fresh[0]) == std::vector<double>{-3.0, -4.0});
  CHECK(optim_test::values(fresh[1])[0] == doctest::Approx(-6.0));
}

TEST_CASE("optim: adaptive_clip bounds every unit's gradient-to-weight norm ratio by lambda") {
  Generator gen(11);
  const double lambda = 0.05, eps = 1e-3;
  const Tensor w0 = randn({6, 4}, gen, DType::f64);
  const Tensor b0 = zeros({6}, DType::f64);  // a zero unit: the eps floor applies
  const Tensor gw = mul(randn({6, 4}, gen, DType::f64), 3.0);
  const Tensor gb = randn({6}, gen, DType::f64);
  Tensor small_row = gw.select(0, 0);
  mul_(small_row, 1e-4);  // one unit below the bound: must stay untouched
  nn::ParameterList params{param("w", w0.clone()), param("b", b0.clone(), nn::ParamRole::bias)};
  optim_test::set_grad(params[0], gw);
  optim_test::set_grad(params[1], gb);
  Optimizer opt(params, chain(adaptive_clip(lambda, eps), scale_by_learning_rate(1.0)));
  CHECK(opt.step().clipped);
  // The applied update is θ − θ₀ = −clipped gradient.
  const Tensor clipped_w = sub(w0, params[0].var.value());
  for (std::int64_t row = 0; row < 6; ++row) {
    CAPTURE(row);
    const double g = norm(clipped_w.select(0, row)).item();
    const double w = std::max(norm(w0.select(0, row)).item(), eps);
    CHECK(g / w <= lambda * (1 + 1e-12));
    // Units whose ratio was above λ end exactly at it; others are untouched.
    const double g_before = norm(gw.select(0, row)).item();
    if (g_before / w > lambda) CHECK(g / w == doctest::Approx(lambda).epsilon(1e-12));
    else CHECK(g == doctest::Approx(g_before).epsilon(1e-15));
  }
  const double gb_after = norm(sub(b0, params[1].var.value())).item();
  CHECK(gb_after / eps <= lambda * (1 + 1e-12));
}
