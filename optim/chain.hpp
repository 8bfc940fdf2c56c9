// optim/chain.hpp — composing transforms, and checking that the order makes sense.
//
//   auto opt = chain(skip_nonfinite(3),
//                    clip_by_global_norm(1.0),
//                    scale_by_adam(),
//                    decoupled_weight_decay(1e-2),
//                    scale_by_learning_rate(cosine_decay(1e-3, 10'000, 0.0, 500)));
//
// chain(t1, ..., tn).update runs t1, ..., tn in order on the same buffers and
// stops early when one of them skips the step or defers it (accumulate);
// after_step runs every child's hook in order. Consecutive elementwise
// transforms run in one sweep over the parameters, nested chains included
// (Note [fused update] in optim/transform.hpp). State is saved under
// "<index>.<name>." so a checkpoint names what it holds ("2.scale_by_adam.mu.fc1.weight").
//
// Order checks (check_chain_order, run by the Optimizer): a warning on stderr,
// or tg::Error in strict mode, for
//   - a clip after scale_by_learning_rate: the threshold would bound lr-scaled
//     updates, and change meaning with every schedule step;
//   - add_l2_to_grad before scale_by_adam/rms/adagrad: the adaptive scaling
//     divides the penalty by the gradient RMS, so it barely acts (Loshchilov &
//     Hutter 2019); decoupled_weight_decay was likely meant;
//   - a clip before accumulate(k): it clips each micro-batch instead of the
//     accumulated gradient; put it inside accumulate;
//   - skip_nonfinite not first: transforms before it change state on skipped steps.
// Always an error: proximal_l1 without a scale_by_learning_rate to take its step size from.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "optim/transform.hpp"

namespace tg::optim {

/// Transforms run in order on the same buffers (see the top of this file).
class Chain : public Transform {
 public:
  /// Takes ownership of `transforms`. @throws tg::Error if one is null.
  explicit Chain(std::vector<TransformPtr> transforms);
  std::string name() const override { return "chain"; }
  void init(const nn::ParameterList& params) override;
  /// run_update(*this, ctx): the children in order, fused where they can be.
  void update(UpdateContext& ctx) override;
  void after_step(UpdateContext& ctx) override;
  /// True if a child's after_step() reads the updates.
  bool reads_updates_after_step() const override;
  void visit_state(StateVisitor& visitor) override;
  std::vector<const Transform*> children() const override;
  /// Fuses if every child does (inside masked(); a chain in a chain is flattened anyway).
  bool fuse_into(FusedRun& run) override;
  /// The children, in order.
  const std::vector<TransformPtr>& transforms() const { return transforms_; }

 private:
  std::vector<TransformPtr> transforms_;
};

/// root.update(ctx), fusing consecutive elementwise transforms into single
/// sweeps and taking over the Optimizer's hand-off in ctx (uncopied gradients,
/// the gradient norm, the apply step): Note [fused update] in optim/transform.hpp.
/// Nested chains are run as one flat list (same order, same early stop).
/// Leaves ctx.updates written. Rethrows what a transform throws.
void run_update(Transform& root, UpdateContext& ctx);

/// chain(t1, t2, ...): each argument a TransformPtr (what the factories return).
template <class... Ts>
TransformPtr chain(Ts&&... transforms) {
  std::vector<TransformPtr> list;
  (list.push_back(std::forward<Ts>(transforms)), ...);
  return std::make_unique<Chain>(std::move(list));
}

/// The order problems of a (nested) transform, one sentence each.
std::vector<std::string> chain_order_problems(const Transform& root);
/// Prints each problem to stderr, or throws the first in strict mode.
/// Throws always for a configuration that cannot run (proximal_l1 without lr).
void check_chain_order(const Transform& root, bool strict);

}  // namespace tg::optim
