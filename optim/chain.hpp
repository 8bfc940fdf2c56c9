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
// after_step runs every child's hook in order. State is saved under
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

class Chain : public Transform {
 public:
  explicit Chain(std::vector<TransformPtr> transforms);
  std::string name() const override { return "chain"; }
  void init(const nn::ParameterList& params) override;
  void update(UpdateContext& ctx) override;
  void after_step(UpdateContext& ctx) override;
  void visit_state(StateVisitor& visitor) override;
  std::vector<const Transform*> children() const override;

 private:
  std::vector<TransformPtr> transforms_;
};

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
