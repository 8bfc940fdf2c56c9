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

/// A transform restricted to some parameters; build it with masked().
class Masked : public Transform {
 public:
  /// @throws tg::Error as masked() does.
  Masked(TransformPtr inner, Mask mask);
  std::string name() const override { return "masked"; }
  void init(const nn::ParameterList& params) override;
  /// The inner update with ctx.active narrowed to the selected parameters.
  void update(UpdateContext& ctx) override;
  /// The inner hook with ctx.active narrowed likewise.
  void after_step(UpdateContext& ctx) override;
  bool reads_updates_after_step() const override { return inner_->reads_updates_after_step(); }
  void visit_state(StateVisitor& visitor) override;
  std::vector<const Transform*> children() const override { return {inner_.get()}; }
  /// Fuses if the inner transform does, its steps restricted to the selected
  /// parameters (Note [fused update] in optim/transform.hpp).
  bool fuse_into(FusedRun& run) override;

 private:
  std::vector<std::size_t> narrow(const std::vector<std::size_t>& active) const;
  TransformPtr inner_;
  Mask mask_;
  std::vector<bool> selected_;
};

/// `inner` applied to the parameters `mask` selects; the others pass through unchanged.
/// @throws tg::Error for a null transform or an empty mask.
TransformPtr masked(TransformPtr inner, Mask mask);

}  // namespace tg::optim
