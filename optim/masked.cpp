#include "optim/masked.hpp"

#include <limits>

#include "tensor/error.hpp"

namespace tg::optim {

Masked::Masked(TransformPtr inner, Mask mask) : inner_(std::move(inner)), mask_(std::move(mask)) {
  if (!inner_) fail("masked: inner transform is null");
  if (!mask_) fail("masked: mask is empty");
}

void Masked::init(const nn::ParameterList& params) {
  selected_.clear();
  for (const auto& p : params) selected_.push_back(mask_(p));
  inner_->init(params);
}

std::vector<std::size_t> Masked::narrow(const std::vector<std::size_t>& active) const {
  std::vector<std::size_t> out;
  for (std::size_t i : active)
    if (selected_[i]) out.push_back(i);
  return out;
}

void Masked::update(UpdateContext& ctx) {
  std::vector<std::size_t> all = ctx.active;
  ctx.active = narrow(all);
  inner_->update(ctx);
  ctx.active = std::move(all);
}

void Masked::after_step(UpdateContext& ctx) {
  std::vector<std::size_t> all = ctx.active;
  ctx.active = narrow(all);
  inner_->after_step(ctx);
  ctx.active = std::move(all);
}

bool Masked::fuse_into(FusedRun& run) {
  const std::vector<bool> outer = run.selection;
  run.selection = selected_;
  for (std::size_t i = 0; i < outer.size(); ++i) run.selection[i] = outer[i] && selected_[i];
  // The norm of all updates says nothing about the selected ones.
  run.known_norm = std::numeric_limits<double>::quiet_NaN();
  const bool fused = inner_->fuse_into(run);
  run.selection = outer;
  return fused;
}

void Masked::visit_state(StateVisitor& visitor) {
  const std::string outer = visitor.prefix;
  visitor.prefix = outer + inner_->name() + ".";
  inner_->visit_state(visitor);
  visitor.prefix = outer;
}

TransformPtr masked(TransformPtr inner, Mask mask) {
  return std::make_unique<Masked>(std::move(inner), std::move(mask));
}

}  // namespace tg::optim
