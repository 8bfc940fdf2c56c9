#include "optim/accumulate.hpp"

#include "optim/detail.hpp"
#include "tensor/elementwise.hpp"

namespace tg::optim {

Accumulate::Accumulate(std::int64_t k, TransformPtr inner) : k_(k), inner_(std::move(inner)) {
  detail::require_at_least("accumulate", "k", k, 1);
  if (!inner_) fail("accumulate: inner transform is null");
}

void Accumulate::init(const nn::ParameterList& params) {
  state_ = AccumulateState{0, std::vector<Tensor>(params.size())};
  inner_->init(params);
}

void Accumulate::update(UpdateContext& ctx) {
  for (std::size_t i : ctx.active) {
    if (state_.sum[i].defined())
      add_(state_.sum[i], ctx.updates[i]);
    else
      state_.sum[i] = ctx.updates[i];  // already our own copy: take it
  }
  if (++state_.micro_step < k_) {
    ctx.defer = true;
    return;
  }
  ctx.active.clear();
  for (std::size_t i = 0; i < state_.sum.size(); ++i) {
    ctx.updates[i] = std::move(state_.sum[i]);
    state_.sum[i] = Tensor();
    if (!ctx.updates[i].defined()) continue;
    mul_(ctx.updates[i], 1.0 / double(k_));
    ctx.active.push_back(i);
  }
  state_.micro_step = 0;
  inner_->update(ctx);
}

void Accumulate::after_step(UpdateContext& ctx) { inner_->after_step(ctx); }

void Accumulate::visit_state(StateVisitor& visitor) {
  visitor.counter("micro_step", state_.micro_step);
  visitor.tensors("sum", state_.sum);
  const std::string outer = visitor.prefix;
  visitor.prefix = outer + "inner." + inner_->name() + ".";
  inner_->visit_state(visitor);
  visitor.prefix = outer;
}

TransformPtr accumulate(std::int64_t k, TransformPtr inner) {
  return std::make_unique<Accumulate>(k, std::move(inner));
}

}  // namespace tg::optim
