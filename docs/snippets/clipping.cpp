// docs/snippets/clipping.cpp — four guards on one gradient, and what step() reports.
//
// Two parameters, a = (3, 4) and b = (12), given the gradient
// g_a = (3, 4), g_b = (12): norms 5 and 12, global norm 13.
// Every chain ends in scale_by_learning_rate(1), so the step is -(update).
#include <cmath>
#include <cstdio>
#include <limits>

#include "optim/optim.hpp"
#include "snippet_check.hpp"
#include "tensor/creation.hpp"

namespace optim = tg::optim;

struct Result {
  std::vector<double> step_a, step_b;  // how far each parameter moved
  optim::StepReport report;
};

Result one_step(optim::TransformPtr guard, double grad_b = 12.0) {
  tg::Var a(tg::tensor({3.0, 4.0}, tg::DType::f64), /*requires_grad=*/true);
  tg::Var b(tg::tensor({12.0}, tg::DType::f64), /*requires_grad=*/true);
  optim::Optimizer opt({{"a", a, tg::nn::ParamRole::weight}, {"b", b, tg::nn::ParamRole::weight}},
                       optim::chain(std::move(guard), optim::scale_by_learning_rate(1.0)));
  a.set_grad(tg::Var(tg::tensor({3.0, 4.0}, tg::DType::f64)));
  b.set_grad(tg::Var(tg::tensor({grad_b}, tg::DType::f64)));
  Result r;
  r.report = opt.step();
  const auto av = a.value().to_double_vector(), bv = b.value().to_double_vector();
  r.step_a = {av[0] - 3.0, av[1] - 4.0};
  r.step_b = {bv[0] - 12.0};
  return r;
}

void show(const char* label, const Result& r) {
  std::printf("%-28s step a = (%+.3f, %+.3f)  step b = (%+.3f)  |g| = %g  clipped = %d  skipped = %d\n",
              label, r.step_a[0], r.step_a[1], r.step_b[0], r.report.grad_norm, r.report.clipped,
              r.report.skipped);
}

int main() {
  // By global norm: one factor 6.5 / 13 = 0.5 for everything; direction kept.
  const Result global = one_step(optim::clip_by_global_norm(6.5));
  show("clip_by_global_norm(6.5)", global);
  expect(global.report.clipped && global.report.grad_norm == 13, "global norm 13 was clipped");
  expect_close(global.step_a[0], -1.5, 1e-15, "a0 halved");
  expect_close(global.step_b[0], -6.0, 1e-15, "b halved");

  // By value: every entry into [-3.5, 3.5]; the direction changes.
  const Result value = one_step(optim::clip_by_value(3.5));
  show("clip_by_value(3.5)", value);
  expect(value.step_a[0] == -3 && value.step_a[1] == -3.5 && value.step_b[0] == -3.5,
         "entries clamped one by one");

  // AGC: each unit's gradient norm at most 0.5 * its weight norm. a = (3, 4)
  // is one unit with norm 5, limit 2.5: g_a scaled by 2.5 / 5. b's unit has
  // norm 12, limit 6: g_b = 12 is scaled to 6.
  const Result agc = one_step(optim::adaptive_clip(0.5));
  show("adaptive_clip(0.5)", agc);
  expect_close(agc.step_a[1], -2.0, 1e-15, "a scaled to norm 2.5");
  expect_close(agc.step_b[0], -6.0, 1e-15, "b scaled to norm 6");

  // The non-finite guard: a NaN anywhere skips the whole step, and the
  // parameters stay bitwise unchanged.
  const Result guard = one_step(optim::skip_nonfinite(3), std::numeric_limits<double>::quiet_NaN());
  show("skip_nonfinite(3), NaN in b", guard);
  expect(guard.report.skipped, "the step was skipped");
  expect(guard.step_a[0] == 0 && guard.step_a[1] == 0 && guard.step_b[0] == 0, "nothing moved");
  return 0;
}
