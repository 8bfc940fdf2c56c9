#include "optim/chain.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>

#include "optim/detail.hpp"
#include "tensor/error.hpp"

namespace tg::optim {

Chain::Chain(std::vector<TransformPtr> transforms) : transforms_(std::move(transforms)) {
  for (const auto& t : transforms_)
    if (!t) fail("chain: a transform is null (moved-from TransformPtr?)");
}

void Chain::init(const nn::ParameterList& params) {
  for (auto& t : transforms_) t->init(params);
}

void Chain::update(UpdateContext& ctx) { run_update(*this, ctx); }

bool Chain::fuse_into(FusedRun& run) {
  for (auto& t : transforms_)
    if (!t->fuse_into(run)) return false;  // the caller restores `run`
  return true;
}

void Chain::after_step(UpdateContext& ctx) {
  for (auto& t : transforms_) t->after_step(ctx);
}

bool Chain::reads_updates_after_step() const {
  return std::any_of(transforms_.begin(), transforms_.end(),
                     [](const TransformPtr& t) { return t->reads_updates_after_step(); });
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

// --- the fused path (Note [fused update] in optim/transform.hpp) ---------------

Chunk make_chunk(const UpdateContext& ctx, std::size_t i, std::int64_t begin, std::int64_t size) {
  const Tensor& u = ctx.updates[i];
  const std::size_t offset = static_cast<std::size_t>(begin) * dtype_size(u.dtype());
  return Chunk{i, begin, size, u.dtype(), static_cast<char*>(u.raw_data()) + offset,
               static_cast<const char*>(ctx.params[i].var.value().raw_data()) + offset};
}

void ElementwiseTransform::update(UpdateContext& ctx) {
  prepare(ctx);
  for (std::size_t i : ctx.active) update_chunk(ctx, make_chunk(ctx, i, 0, ctx.updates[i].numel()));
}

namespace {

constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

// Narrows ctx.active to a step's selection for one prepare(), as masked() does.
class NarrowActive {
 public:
  NarrowActive(UpdateContext& ctx, const std::vector<bool>& selected) : ctx_(ctx) {
    if (selected.empty()) return;
    all_ = ctx.active;
    narrowed_ = true;
    std::erase_if(ctx.active, [&](std::size_t i) { return !selected[i]; });
  }
  ~NarrowActive() {
    if (narrowed_) ctx_.active = std::move(all_);
  }

 private:
  UpdateContext& ctx_;
  std::vector<std::size_t> all_;
  bool narrowed_ = false;
};

// Runs a flat list of transforms on ctx: maximal runs of fusable ones as one
// sweep each, the others one update() each.
class Pipeline {
 public:
  // Takes over the Optimizer's hand-off, so that nested pipelines (inside
  // masked or accumulate) start from plain, written updates.
  explicit Pipeline(UpdateContext& ctx)
      : ctx_(ctx), gradients_(std::move(ctx.gradients)), known_norm_(ctx.known_norm),
        may_apply_(ctx.may_apply), keep_updates_(ctx.keep_updates) {
    ctx.gradients.clear();
    ctx.known_norm = kUnknown;
    ctx.may_apply = false;
    ctx.keep_updates = true;
  }

  void run(const std::vector<Transform*>& list) {
    std::size_t k = 0;
    while (k < list.size() && !ctx_.skip && !ctx_.defer) {
      FusedRun run;
      run.known_norm = known_norm_;
      const std::size_t end = ctx_.fuse ? fuse(list, k, run) : k;
      if (end == k) {
        write_gradients();  // update() reads ctx.updates
        list[k]->update(ctx_);
        known_norm_ = kUnknown;
        ++k;
      } else {
        execute(run, may_apply_ && end == list.size());
        known_norm_ = run.known_norm;
        k = end;
      }
    }
    write_gradients();
  }

 private:
  // Adds list[first], list[first + 1], ... to `run` while they fuse; returns the end.
  std::size_t fuse(const std::vector<Transform*>& list, std::size_t first, FusedRun& run) {
    std::size_t k = first;
    for (; k < list.size(); ++k) {
      FusedRun before = run;
      if (!list[k]->fuse_into(run)) {
        run = std::move(before);
        break;
      }
    }
    return k;
  }

  // Every prepare(), then one sweep. If a prepare() throws or skips the step,
  // the steps before it still sweep: state ends as after the unfused chain.
  void execute(const FusedRun& run, bool apply) {
    std::size_t prepared = 0;
    try {
      for (; prepared < run.steps.size(); ++prepared) {
        const FusedRun::Step& step = run.steps[prepared];
        NarrowActive narrow(ctx_, step.selected);
        ctx_.known_norm = step.known_norm;
        step.transform->prepare(ctx_);
        ctx_.known_norm = kUnknown;
        if (ctx_.skip || ctx_.defer) break;
      }
    } catch (...) {
      ctx_.known_norm = kUnknown;
      sweep(run, prepared, false);
      throw;
    }
    sweep(run, prepared, apply && prepared == run.steps.size());
  }

  // What a sweep runs (Note [folded scales]): update_chunk() of `steps` only;
  // the scale folded into the copy of the gradient, and into the apply.
  struct Plan {
    std::vector<std::size_t> steps;
    double copy_scale = 1.0;   // u ← copy_scale·g
    double apply_scale = 1.0;  // θ ← θ + apply_scale·u
    bool copying = false;      // the gradients are copied in by this sweep
  };

  // λ if the plan's first step is u ← u + λ·θ on parameter i and can join the
  // copy (u ← c·g + λ·θ), else NaN (Note [folded scales]).
  double copy_coefficient(const FusedRun& run, const Plan& plan, std::size_t i) const {
    if (!plan.copying || plan.steps.empty()) return kUnknown;
    const FusedRun::Step& step = run.steps[plan.steps.front()];
    if (!step.selected.empty() && !step.selected[i]) return kUnknown;
    return step.transform->value_coefficient(i);
  }

  // Drops the steps that leave u alone this step (scale 1), then folds a scale
  // that comes first while the gradients are still to be copied, and one that
  // comes last while u is in scratch. Only for steps on every parameter (a
  // masked() step's scale says nothing about the others).
  static Plan plan_sweep(const FusedRun& run, std::size_t steps, bool copying, bool in_scratch) {
    auto scale_of = [&](std::size_t s) {
      const FusedRun::Step& step = run.steps[s];
      return step.selected.empty() ? step.transform->scale_factor() : kUnknown;
    };
    Plan plan;
    plan.copying = copying;
    for (std::size_t s = 0; s < steps; ++s)
      if (scale_of(s) != 1.0) plan.steps.push_back(s);
    if (copying && !plan.steps.empty() && !std::isnan(scale_of(plan.steps.front()))) {
      plan.copy_scale = scale_of(plan.steps.front());
      plan.steps.erase(plan.steps.begin());
    }
    if (in_scratch && !plan.steps.empty() && !std::isnan(scale_of(plan.steps.back()))) {
      plan.apply_scale = scale_of(plan.steps.back());
      plan.steps.pop_back();
    }
    return plan;
  }

  // Chunk by chunk: copy the gradient in (if not done yet), run the first
  // `steps` steps, and apply θ ← θ + u measuring Σ u² (if `apply`). A sweep
  // that applies straight from the gradients works in scratch_ if no one
  // reads the updates later (Note [update buffers] in optim/transform.hpp),
  // and folds scales into the copy and the apply (Note [folded scales]).
  void sweep(const FusedRun& run, std::size_t steps, bool apply) {
    if (steps == 0 && gradients_.empty() && !apply) return;
    const bool copying = !gradients_.empty();
    const bool in_scratch = apply && !keep_updates_ && copying;
    const Plan plan = plan_sweep(run, steps, copying, in_scratch);
    double total = 0;
    for (std::size_t i : ctx_.active) {
      const std::int64_t n = ctx_.updates[i].numel();
      const Tensor& value = ctx_.params[i].var.value();
      double param_total = 0;  // summed per parameter, as detail::add_and_sum_squares does
      const double lambda = copy_coefficient(run, plan, i);  // NaN: no u ← u + λ·θ to fold
      for (std::int64_t begin = 0; begin < n; begin += kFusedChunk) {
        Chunk chunk = make_chunk(ctx_, i, begin, std::min(kFusedChunk, n - begin));
        if (in_scratch) chunk.update_data = scratch_;
        if (copying) detail::copy_scaled(chunk, gradients_[i], plan.copy_scale, lambda);
        for (std::size_t k = std::isnan(lambda) ? 0 : 1; k < plan.steps.size(); ++k) {
          const FusedRun::Step& step = run.steps[plan.steps[k]];
          if (step.selected.empty() || step.selected[i]) step.transform->update_chunk(ctx_, chunk);
        }
        if (apply) param_total += detail::add_and_sum_squares(value, chunk, plan.apply_scale);
      }
      if (apply) {
        detail::mark_modified(value);
        total += param_total;
      }
    }
    gradients_.clear();
    if (in_scratch)
      for (std::size_t i : ctx_.active) ctx_.updates[i] = Tensor();
    if (apply) {
      ctx_.applied = true;
      ctx_.applied_sum_squares = total;
    }
  }

  // Copies the gradients into the updates, if the Optimizer left that to us.
  void write_gradients() {
    if (gradients_.empty()) return;
    for (std::size_t i : ctx_.active) {
      const Tensor& u = ctx_.updates[i];
      std::memcpy(u.raw_data(), gradients_[i].raw_data(),
                  static_cast<std::size_t>(u.numel()) * dtype_size(u.dtype()));
    }
    gradients_.clear();
  }

  UpdateContext& ctx_;
  std::vector<Tensor> gradients_;  // non-empty: updates not yet written
  double known_norm_;
  bool may_apply_;
  bool keep_updates_;
  alignas(64) std::byte scratch_[kFusedChunk * sizeof(double)];  // one chunk of u, f32 or f64
};

// A chain in a chain runs its children in order and stops on skip or defer,
// as the outer one does: for update() the two are one flat list.
void flatten_chains(Transform& t, std::vector<Transform*>& out) {
  if (auto* chain = dynamic_cast<Chain*>(&t)) {
    for (const TransformPtr& child : chain->transforms()) flatten_chains(*child, out);
  } else {
    out.push_back(&t);
  }
}

}  // namespace

void run_update(Transform& root, UpdateContext& ctx) {
  std::vector<Transform*> list;
  flatten_chains(root, list);
  Pipeline(ctx).run(list);
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
