#include "optim/schedule.hpp"

#include <cmath>
#include <numbers>
#include <sstream>
#include <utility>

#include "optim/detail.hpp"

namespace tg::optim {

using detail::require_at_least;
using detail::require_non_negative;
using detail::require_positive;

Schedule::Schedule(Fn fn, std::string description, bool is_constant)
    : fn_(std::move(fn)), description_(std::move(description)), is_constant_(is_constant) {}

namespace {
std::string describe(const char* name, std::initializer_list<double> args) {
  std::ostringstream os;
  os << name << "(";
  const char* sep = "";
  for (double a : args) { os << sep << a; sep = ", "; }
  os << ")";
  return os.str();
}

// Half-cosine interpolation from `start` (fraction 0) to `end` (fraction 1).
double cosine_between(double start, double end, double fraction) {
  return end + (start - end) * 0.5 * (1.0 + std::cos(std::numbers::pi * fraction));
}
}  // namespace

// A plain double is constant() except that NaN passes here: every transform
// taking a Schedule checks initial() and rejects NaN naming itself and the
// field ("clip_by_global_norm: max_norm must be > 0, got nan").
Schedule::Schedule(double value)
    : Schedule([value](std::int64_t) { return value; }, describe("constant", {value}), true) {}

Schedule constant(double value) {
  // A constant may be 0 (no decay) but never NaN; the transform using it
  // checks its own range (lr > 0, max_norm > 0, ...).
  if (std::isnan(value)) fail("constant: value must not be NaN");
  return Schedule([value](std::int64_t) { return value; }, describe("constant", {value}), true);
}

Schedule step_decay(double init_value, std::int64_t step_size, double gamma) {
  require_positive("step_decay", "init_value", init_value);
  require_at_least("step_decay", "step_size", step_size, 1);
  require_positive("step_decay", "gamma", gamma);
  return Schedule(
      [=](std::int64_t t) { return init_value * std::pow(gamma, double(t / step_size)); },
      describe("step_decay", {init_value, double(step_size), gamma}));
}

Schedule exponential_decay(double init_value, double gamma) {
  require_positive("exponential_decay", "init_value", init_value);
  require_positive("exponential_decay", "gamma", gamma);
  return Schedule([=](std::int64_t t) { return init_value * std::pow(gamma, double(t)); },
                  describe("exponential_decay", {init_value, gamma}));
}

Schedule inverse_time_decay(double init_value, double decay) {
  require_positive("inverse_time_decay", "init_value", init_value);
  require_non_negative("inverse_time_decay", "decay", decay);
  return Schedule([=](std::int64_t t) { return init_value / (1.0 + decay * double(t)); },
                  describe("inverse_time_decay", {init_value, decay}));
}

Schedule linear_warmup(double peak_value, std::int64_t warmup_steps, double start_value) {
  require_positive("linear_warmup", "peak_value", peak_value);
  require_at_least("linear_warmup", "warmup_steps", warmup_steps, 1);
  require_non_negative("linear_warmup", "start_value", start_value);
  return Schedule(
      [=](std::int64_t t) {
        if (t >= warmup_steps) return peak_value;
        return start_value + (peak_value - start_value) * double(t) / double(warmup_steps);
      },
      describe("linear_warmup", {peak_value, double(warmup_steps), start_value}));
}

Schedule cosine_decay(double init_value, std::int64_t total_steps, double final_value,
                      std::int64_t warmup_steps) {
  require_positive("cosine_decay", "init_value", init_value);
  require_non_negative("cosine_decay", "final_value", final_value);
  require_at_least("cosine_decay", "warmup_steps", warmup_steps, 0);
  require_at_least("cosine_decay", "total_steps", total_steps, warmup_steps + 1);
  return Schedule(
      [=](std::int64_t t) {
        if (t < warmup_steps) return init_value * double(t) / double(warmup_steps);
        if (t >= total_steps) return final_value;
        const double fraction = double(t - warmup_steps) / double(total_steps - warmup_steps);
        return cosine_between(init_value, final_value, fraction);
      },
      describe("cosine_decay",
               {init_value, double(total_steps), final_value, double(warmup_steps)}));
}

Schedule one_cycle(double max_value, std::int64_t total_steps, double pct_start,
                   double div_factor, double final_div_factor) {
  require_positive("one_cycle", "max_value", max_value);
  require_at_least("one_cycle", "total_steps", total_steps, 2);
  if (!(pct_start > 0 && pct_start < 1)) fail("one_cycle: pct_start must be in (0, 1), got ", pct_start);
  require_positive("one_cycle", "div_factor", div_factor);
  require_positive("one_cycle", "final_div_factor", final_div_factor);
  const double initial = max_value / div_factor;
  const double final_value = initial / final_div_factor;
  // The phase boundaries of torch.optim.lr_scheduler.OneCycleLR.
  const double peak_step = pct_start * double(total_steps) - 1.0;
  if (!(peak_step > 0))
    fail("one_cycle: pct_start * total_steps must be > 1 (a warmup phase of at least one step), got ",
         pct_start * double(total_steps));
  const double last_step = double(total_steps) - 1.0;
  return Schedule(
      [=](std::int64_t t) {
        const double s = double(t);
        if (s <= peak_step) return cosine_between(initial, max_value, s / peak_step);
        const double fraction = std::min(1.0, (s - peak_step) / (last_step - peak_step));
        return cosine_between(max_value, final_value, fraction);
      },
      describe("one_cycle", {max_value, double(total_steps), pct_start, div_factor,
                             final_div_factor}));
}

}  // namespace tg::optim
