#include "optim/chain.hpp"

#include <iostream>

#include "tensor/error.hpp"

namespace tg::optim {

Chain::Chain(std::vector<TransformPtr> transforms) : transforms_(std::move(transforms)) {
  for (const auto& t : transforms_)
    if (!t) fail("chain: a transform is null (moved-from TransformPtr?)");
}

void Chain::init(const nn::ParameterList& params) {
  for (auto& t : transforms_) t->init(params);
}

void Chain::update(UpdateContext& ctx) {
  for (auto& t : transforms_) {
    t->update(ctx);
    // A skipped or deferred step must leave later transforms' state untouched.
    if (ctx.skip || ctx.defer) return;
  }
}

void Chain::after_step(UpdateContext& ctx) {
  for (auto& t : transforms_) t->after_step(ctx);
}

void Chain::visit_state(StateVisitor& visitor) {
  const std::string outer = visitor.prefix;
  for (std::size_t i = 0; i < transforms_.size(); ++i) {
    visitor.prefix = outer + std::to_string(i) + "." + transforms_[i]->name() + ".";
    transforms_[i]->visit_state(visitor);
  }
  visitor.prefix = outer;
}

std::vector<const Transform*> Chain::children() const {
  std::vector<const Transform*> out;
  for (const auto& t : transforms_) out.push_back(t.get());
  return out;
}

namespace {
// Depth first, parents before children: the order in which update() runs them.
void flatten(const Transform& t, std::vector<const Transform*>& out) {
  out.push_back(&t);
  for (const Transform* child : t.children()) flatten(*child, out);
}

bool is_leaf_kind(const Transform* t, TransformKind kind) { return t->kind() == kind; }
}  // namespace

std::vector<std::string> chain_order_problems(const Transform& root) {
  std::vector<const Transform*> flat;
  flatten(root, flat);
  std::vector<std::string> problems;
  const Transform* lr = nullptr;
  const Transform* clip = nullptr;
  const Transform* l2 = nullptr;
  bool stateful_before_guard = false;
  for (const Transform* t : flat) {
    const TransformKind k = t->kind();
    if (k == TransformKind::clip && lr)
      problems.push_back(t->name() + " after " + lr->name() +
                         ": the threshold then bounds lr-scaled updates; clip before scaling");
    if (k == TransformKind::adaptive_scaling && l2)
      problems.push_back(l2->name() + " before " + t->name() +
                         ": the adaptive scaling divides the penalty away (Loshchilov & Hutter "
                         "2019); decoupled_weight_decay was likely meant");
    if (k == TransformKind::accumulate && clip)
      problems.push_back(clip->name() + " before accumulate: it clips each micro-batch; put it "
                         "inside accumulate to clip the accumulated gradient");
    if (k == TransformKind::nonfinite_guard && stateful_before_guard)
      problems.push_back("skip_nonfinite is not first: transforms before it still run, and "
                         "change their state, on skipped steps");
    if (k == TransformKind::learning_rate && !lr) lr = t;
    if (k == TransformKind::clip && !clip) clip = t;
    if (k == TransformKind::coupled_l2 && !l2) l2 = t;
    if (t->children().empty() && k != TransformKind::nonfinite_guard) stateful_before_guard = true;
  }
  return problems;
}

void check_chain_order(const Transform& root, bool strict) {
  std::vector<const Transform*> flat;
  flatten(root, flat);
  bool has_lr = false, needs_lr = false;
  for (const Transform* t : flat) {
    has_lr = has_lr || is_leaf_kind(t, TransformKind::learning_rate);
    needs_lr = needs_lr || is_leaf_kind(t, TransformKind::needs_learning_rate);
  }
  if (needs_lr && !has_lr)
    fail("proximal_l1: the chain has no scale_by_learning_rate to take the step size from");
  for (const std::string& problem : chain_order_problems(root)) {
    if (strict) fail("chain order: ", problem);
    std::cerr << "tapegrad warning: chain order: " << problem << "\n";
  }
}

}  // namespace tg::optim
