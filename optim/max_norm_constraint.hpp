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

class MaxNormConstraint : public Transform {
 public:
  explicit MaxNormConstraint(double max_norm);
  std::string name() const override { return "max_norm_constraint"; }
  void update(UpdateContext&) override {}
  void after_step(UpdateContext& ctx) override;

 private:
  double max_norm_;
};

TransformPtr max_norm_constraint(double max_norm);

}  // namespace tg::optim
