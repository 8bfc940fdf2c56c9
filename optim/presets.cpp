#include "optim/presets.hpp"

#include <cmath>
#include <vector>

#include "optim/add_l2_to_grad.hpp"
#include "optim/chain.hpp"
#include "optim/decoupled_weight_decay.hpp"
#include "optim/detail.hpp"
#include "optim/mask.hpp"
#include "optim/masked.hpp"
#include "optim/momentum.hpp"
#include "optim/scale_by_adagrad.hpp"
#include "optim/scale_by_adam.hpp"
#include "optim/scale_by_learning_rate.hpp"
#include "optim/scale_by_rms.hpp"

namespace tg::optim {

using detail::require_non_negative;
using detail::require_positive;
using detail::require_unit_interval;

namespace {
// Coupled L2 on the decay mask; adaptive_ok because torch's presets do exactly this.
void add_coupled_decay(std::vector<TransformPtr>& list, double lambda, bool all) {
  if (lambda > 0) list.push_back(masked(add_l2_to_grad(lambda, true), decay_mask(all)));
}

void check_adam(const char* op, const AdamOptions& o) {
  require_positive(op, "lr", o.lr);
  require_unit_interval(op, "beta1", o.beta1);
  require_unit_interval(op, "beta2", o.beta2);
  require_positive(op, "eps", o.eps);
  require_non_negative(op, "weight_decay", o.weight_decay);
}
}  // namespace

TransformPtr sgd(const SgdOptions& o) {
  require_positive("sgd", "lr", o.lr);
  require_unit_interval("sgd", "momentum", o.momentum);
  require_unit_interval("sgd", "dampening", o.dampening);
  require_non_negative("sgd", "weight_decay", o.weight_decay);
  std::vector<TransformPtr> list;
  add_coupled_decay(list, o.weight_decay, o.decay_bias_and_norm);
  if (o.momentum > 0 || o.nesterov) list.push_back(momentum(o.momentum, o.nesterov, o.dampening));
  list.push_back(scale_by_learning_rate(o.lr));
  return std::make_unique<Chain>(std::move(list));
}

TransformPtr adam(const AdamOptions& o) {
  check_adam("adam", o);
  std::vector<TransformPtr> list;
  add_coupled_decay(list, o.weight_decay, o.decay_bias_and_norm);
  list.push_back(scale_by_adam(o.beta1, o.beta2, o.eps, o.amsgrad));
  list.push_back(scale_by_learning_rate(o.lr));
  return std::make_unique<Chain>(std::move(list));
}

TransformPtr adamw(AdamOptions o) {
  check_adam("adamw", o);
  return chain(scale_by_adam(o.beta1, o.beta2, o.eps, o.amsgrad),
               decoupled_weight_decay(o.weight_decay, decay_mask(o.decay_bias_and_norm)),
               scale_by_learning_rate(o.lr));
}

TransformPtr rmsprop(const RmspropOptions& o) {
  require_positive("rmsprop", "lr", o.lr);
  require_unit_interval("rmsprop", "alpha", o.alpha);
  require_positive("rmsprop", "eps", o.eps);
  require_non_negative("rmsprop", "weight_decay", o.weight_decay);
  require_unit_interval("rmsprop", "momentum", o.momentum);
  std::vector<TransformPtr> list;
  add_coupled_decay(list, o.weight_decay, o.decay_bias_and_norm);
  list.push_back(scale_by_rms(o.alpha, o.eps, o.centered));
  // torch's RMSprop buffer starts at 0: b = β·0 + u equals momentum()'s first-step b = u.
  if (o.momentum > 0) list.push_back(momentum(o.momentum));
  list.push_back(scale_by_learning_rate(o.lr));
  return std::make_unique<Chain>(std::move(list));
}

TransformPtr adagrad(const AdagradOptions& o) {
  require_positive("adagrad", "lr", o.lr);
  require_non_negative("adagrad", "lr_decay", o.lr_decay);
  require_non_negative("adagrad", "weight_decay", o.weight_decay);
  require_positive("adagrad", "eps", o.eps);
  require_non_negative("adagrad", "initial_accumulator", o.initial_accumulator);
  std::vector<TransformPtr> list;
  add_coupled_decay(list, o.weight_decay, o.decay_bias_and_norm);
  list.push_back(scale_by_adagrad(o.eps, o.initial_accumulator));
  // torch: clr = lr / (1 + (step − 1)·lr_decay), step counted from 1.
  list.push_back(scale_by_learning_rate(inverse_time_decay(o.lr, o.lr_decay)));
  return std::make_unique<Chain>(std::move(list));
}

}  // namespace tg::optim
