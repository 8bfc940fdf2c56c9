// optim/masked.hpp — apply a transform to some parameters only.
//
//   masked(t, mask):  for p with mask(p): u_p ← t(u_p);  others pass through unchanged
//
// (optax.masked). The inner transform sees ctx.active narrowed to the
// selected parameters, in update and in after_step. Its state is still
// allocated for every parameter (simplest indexing; the unselected entries
// stay at their initial value).
//
//   masked(max_norm_constraint(3.0), mask_by_roles({nn::ParamRole::weight}))
//   masked(add_l2_to_grad(1e-4), decay_mask())
// Throws tg::Error for an empty mask or a null transform.
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

class Masked : public Transform {
 public:
  Masked(TransformPtr inner, Mask mask);
  std::string name() const override { return "masked"; }
  void init(const nn::ParameterList& params) override;
  void update(UpdateContext& ctx) override;
  void after_step(UpdateContext& ctx) override;
  void visit_state(StateVisitor& visitor) override;
  std::vector<const Transform*> children() const override { return {inner_.get()}; }

 private:
  std::vector<std::size_t> narrow(const std::vector<std::size_t>& active) const;
  TransformPtr inner_;
  Mask mask_;
  std::vector<bool> selected_;
};

TransformPtr masked(TransformPtr inner, Mask mask);

}  // namespace tg::optim
