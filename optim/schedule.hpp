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

/// A value as a function of the step t = 0, 1, 2, ... (see the top of this file).
class Schedule {
 public:
  /// The function: the value at step t.
  using Fn = std::function<double(std::int64_t step)>;
  /// A constant schedule (implicit, so `scale_by_learning_rate(1e-3)` works).
  /// NaN is accepted here; the transform that uses it rejects it, naming the field.
  Schedule(double value);  // NOLINT(google-explicit-constructor)
  /// A schedule from any function; `description` names it in messages.
  Schedule(Fn fn, std::string description, bool is_constant = false);

  /// The value at step t.
  double operator()(std::int64_t step) const { return fn_(step); }
  /// What it is, e.g. "cosine_decay(0.001, 10000, 0, 500)".
  const std::string& description() const { return description_; }
  /// True for constant() and plain doubles.
  bool is_constant() const { return is_constant_; }
  /// The value at step 0 (for constants: the value).
  double initial() const { return fn_(0); }

 private:
  Fn fn_;
  std::string description_;
  bool is_constant_ = false;
};

/// η₀ at every step. @throws tg::Error for NaN.
Schedule constant(double value);
/// η₀·γ^⌊t/s⌋ (torch StepLR).
/// @throws tg::Error for init_value ≤ 0, step_size < 1 or gamma ≤ 0.
Schedule step_decay(double init_value, std::int64_t step_size, double gamma);
/// η₀·γ^t (torch ExponentialLR). @throws tg::Error for init_value ≤ 0 or gamma ≤ 0.
Schedule exponential_decay(double init_value, double gamma);
/// η₀ / (1 + d·t) (torch Adagrad's lr_decay). @throws tg::Error for init_value ≤ 0 or decay < 0.
Schedule inverse_time_decay(double init_value, double decay);
/// start + (peak − start)·t/W for t < W, then peak.
/// @throws tg::Error for peak_value ≤ 0, warmup_steps < 1 or start_value < 0.
Schedule linear_warmup(double peak_value, std::int64_t warmup_steps, double start_value = 0.0);
/// Linear warmup over W steps, then half a cosine from η₀ to final_value at step T (SGDR
/// without restarts; formula at the top of this file).
/// @throws tg::Error for init_value ≤ 0, final_value < 0, warmup_steps < 0 or total_steps ≤ warmup_steps.
Schedule cosine_decay(double init_value, std::int64_t total_steps, double final_value = 0.0,
                      std::int64_t warmup_steps = 0);
/// torch OneCycleLR with cosine annealing: η_max/div → η_max over pct·T − 1 steps,
/// then → η_max/(div·final_div) at step T − 1.
/// @throws tg::Error for max_value ≤ 0, total_steps < 2, pct_start outside (0, 1),
///         pct_start·total_steps ≤ 1, or a divisor ≤ 0.
Schedule one_cycle(double max_value, std::int64_t total_steps, double pct_start = 0.3,
                   double div_factor = 25.0, double final_div_factor = 1e4);

}  // namespace tg::optim
