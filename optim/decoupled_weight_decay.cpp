#include "optim/decoupled_weight_decay.hpp"

#include <limits>

#include "optim/detail.hpp"
#include "tensor/elementwise.hpp"

namespace tg::optim {

DecoupledWeightDecay::DecoupledWeightDecay(Schedule lambda, Mask mask, bool scale_with_lr)
    : lambda_(std::move(lambda)), mask_(std::move(mask)), scale_with_lr_(scale_with_lr) {
  detail::require_non_negative("decoupled_weight_decay", "lambda", lambda_.initial());
  if (!mask_) fail("decoupled_weight_decay: mask is empty; use all_parameters() to decay everything");
}

void DecoupledWeightDecay::init(const nn::ParameterList& params) {
  selected_.clear();
  for (const auto& p : params) selected_.push_back(mask_(p));
}

void DecoupledWeightDecay::prepare(UpdateContext&) {
  current_ = lambda_(state_.count++);
  detail::require_non_negative("decoupled_weight_decay", "lambda", current_);
}

void DecoupledWeightDecay::update_chunk(UpdateContext&, const Chunk& chunk) {
  if (!scale_with_lr_ || current_ == 0 || !selected_[chunk.param]) return;
  detail::add_scaled_value(chunk, current_, "decoupled_weight_decay");
}

double DecoupledWeightDecay::value_coefficient(std::size_t param) const {
  const bool adds = scale_with_lr_ && current_ != 0 && selected_[param];
  return adds ? current_ : std::numeric_limits<double>::quiet_NaN();
}

void DecoupledWeightDecay::after_step(UpdateContext& ctx) {
  if (scale_with_lr_ || current_ == 0) return;
  for (std::size_t i : ctx.active) {
    if (!selected_[i]) continue;
    // θ_prev = θ − u: the decay acts on the value before the step, as AdamW's does.
    Tensor theta = ctx.params[i].var.value();
    Tensor previous = sub(theta, ctx.updates[i]);
    add_(theta, previous, -current_);
  }
}

void DecoupledWeightDecay::visit_state(StateVisitor& visitor) {
  visitor.counter("count", state_.count);
}

TransformPtr decoupled_weight_decay(Schedule lambda, Mask mask, bool scale_with_lr) {
  return std::make_unique<DecoupledWeightDecay>(std::move(lambda), std::move(mask), scale_with_lr);
}

}  // namespace tg::optim
