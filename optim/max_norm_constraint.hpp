// optim/max_norm_constraint.hpp — project each unit of a weight back into a norm ball.
//
// After the step, for each unit i (row W[i, ...]; the whole tensor for vectors):
//
//   W_i ← W_i · c / ‖W_i‖    if ‖W_i‖ > c
//
// the max-norm constraint of Srivastava et al. 2014 (dropout paper, section
// 5.1) and Keras' MaxNorm. A projection, so it runs as an after-step hook
// (Note [after-step hooks] in optim/transform.hpp). Usually wrapped in
// masked(..., mask_by_roles({ParamRole::weight})). Stateless.
// Throws tg::Error for c ≤ 0 or NaN ("max_norm_constraint: max_norm must be > 0, got 0").
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// The max-norm projection; build it with max_norm_constraint().
class MaxNormConstraint : public Transform {
 public:
  /// @throws tg::Error as max_norm_constraint() does.
  explicit MaxNormConstraint(double max_norm);
  std::string name() const override { return "max_norm_constraint"; }
  /// Nothing: the work is in after_step().
  void update(UpdateContext&) override {}
  /// Nothing to do before the step, so it never ends a fused run.
  bool fuse_into(FusedRun&) override { return true; }
  /// Projects each unit of each active parameter (formula at the top of this file).
  void after_step(UpdateContext& ctx) override;

 private:
  double max_norm_;
};

/// After each step, W_i ← W_i·c/‖W_i‖ for every unit with ‖W_i‖ > c = max_norm.
/// @throws tg::Error for max_norm ≤ 0 or NaN.
TransformPtr max_norm_constraint(double max_norm);

}  // namespace tg::optim
