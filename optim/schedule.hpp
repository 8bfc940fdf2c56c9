// optim/schedule.hpp — values that change with the step count: learning
// rates, weight-decay coefficients, clip thresholds.
//
// A Schedule is a pure function of the step t = 0, 1, 2, ... (the number of
// updates already applied). The position t is *state of the transform that
// uses the schedule* (its `count` counter, saved in checkpoints), so two
// transforms can follow different clocks and a restored optimizer resumes
// its schedules where it stopped. A plain double converts to constant().
//
//   scale_by_learning_rate(cosine_decay(1e-3, 10'000, 0.0, 500))
//   decoupled_weight_decay(exponential_decay(1e-2, 0.999))
//
// Formulas (η₀ = init_value, T = total steps, W = warmup steps):
//   constant(η₀)                          η₀
//   step_decay(η₀, s, γ)                  η₀ · γ^⌊t/s⌋                 (torch StepLR)
//   exponential_decay(η₀, γ)              η₀ · γ^t                     (torch ExponentialLR)
//   inverse_time_decay(η₀, d)             η₀ / (1 + d·t)               (torch Adagrad lr_decay)
//   linear_warmup(η₀, W, start)           start + (η₀ − start)·t/W for t < W, then η₀
//   cosine_decay(η₀, T, final, W)         linear warmup 0 → η₀ over W steps, then
//                                         final + (η₀ − final)·½(1 + cos(π·(t−W)/(T−W))),
//                                         `final` for t ≥ T           (SGDR without restarts)
//   one_cycle(η_max, T, pct, div, fdiv)   torch OneCycleLR (cos annealing, two phases):
//                                         η_max/div → η_max over pct·T − 1 steps by cosine,
//                                         then → η_max/(div·fdiv) at step T − 1.
// Factories throw tg::Error naming the field for invalid arguments
// (init_value ≤ 0 or NaN, gamma ≤ 0, T ≤ W, ...).
// References: Loshchilov & Hutter 2017 (SGDR); Smith & Topin 2018 (super-convergence).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace tg::optim {

class Schedule {
 public:
  using Fn = std::function<double(std::int64_t step)>;
  /// A constant schedule (implicit, so `scale_by_learning_rate(1e-3)` works).
  Schedule(double value);  // NOLINT(google-explicit-constructor)
  Schedule(Fn fn, std::string description, bool is_constant = false);

  double operator()(std::int64_t step) const { return fn_(step); }
  const std::string& description() const { return description_; }
  bool is_constant() const { return is_constant_; }
  /// The value at step 0 (for constants: the value).
  double initial() const { return fn_(0); }

 private:
  Fn fn_;
  std::string description_;
  bool is_constant_ = false;
};

Schedule constant(double value);
Schedule step_decay(double init_value, std::int64_t step_size, double gamma);
Schedule exponential_decay(double init_value, double gamma);
Schedule inverse_time_decay(double init_value, double decay);
Schedule linear_warmup(double peak_value, std::int64_t warmup_steps, double start_value = 0.0);
Schedule cosine_decay(double init_value, std::int64_t total_steps, double final_value = 0.0,
                      std::int64_t warmup_steps = 0);
Schedule one_cycle(double max_value, std::int64_t total_steps, double pct_start = 0.3,
                   double div_factor = 25.0, double final_div_factor = 1e4);

}  // namespace tg::optim
