// optim/decoupled_weight_decay.hpp — AdamW-style weight decay, apart from the gradient scaling.
//
//   θ ← θ − lr_t·λ_t·θ − lr_t·u          (Loshchilov & Hutter 2019, torch.optim.AdamW)
//
// where u is whatever the transforms before it made of the gradient (Adam's
// m̂/(√v̂+ε), momentum, ...). Unlike coupled L2 (optim/add_l2_to_grad.hpp,
// Note [three decays] there) the decay is never divided by Adam's √v, so
// every weight shrinks by the same factor (1 − lr·λ) per step; unlike an L2
// penalty node it is not part of the loss.
//
// Placement and the lr (Note [after-step hooks] in optim/transform.hpp):
//   scale_with_lr = true (default, AdamW / optax.add_decayed_weights): put it
//     *before* scale_by_learning_rate; it adds λ_t·θ to the update, and the
//     learning rate then scales both terms: θ ← θ − lr·(u + λθ).
//   scale_with_lr = false: the decay does not follow the learning rate; it is
//     applied after the step as a hook on the parameters,
//     θ ← θ − λ_t·θ_prev with θ_prev = θ − u_applied, the value before the step.
//
// λ may be a Schedule (its position is the `count` state). Only the
// parameters selected by `mask` decay; the default decay_mask() skips biases
// and normalisation parameters (optim/mask.hpp).
// Throws tg::Error for λ < 0 or NaN ("decoupled_weight_decay: lambda must be >= 0, got -1").
#pragma once

#include "optim/mask.hpp"
#include "optim/schedule.hpp"
#include "optim/transform.hpp"

namespace tg::optim {

/// State of decoupled_weight_decay().
struct DecayState {
  std::int64_t count = 0;  ///< updates so far: position of the λ schedule
};

/// The decoupled-decay transform; build it with decoupled_weight_decay().
class DecoupledWeightDecay : public ElementwiseTransform {
 public:
  /// @throws tg::Error as decoupled_weight_decay() does.
  DecoupledWeightDecay(Schedule lambda, Mask mask, bool scale_with_lr);
  std::string name() const override { return "decoupled_weight_decay"; }
  void init(const nn::ParameterList& params) override;
  /// Reads λ_t from the schedule and advances it. @throws tg::Error if λ_t < 0 or NaN.
  void prepare(UpdateContext& ctx) override;
  /// scale_with_lr: u ← u + λ_t·θ on the selected parameters; otherwise nothing.
  void update_chunk(UpdateContext& ctx, const Chunk& chunk) override;
  /// λ_t where update_chunk() adds λ_t·θ, else NaN (Note [folded scales]).
  double value_coefficient(std::size_t param) const override;
  /// Without scale_with_lr: θ ← θ − λ_t·θ_prev on the selected parameters.
  void after_step(UpdateContext& ctx) override;
  /// Without lr scaling, after_step() recovers θ_prev = θ − u from the update.
  bool reads_updates_after_step() const override { return !scale_with_lr_; }
  void visit_state(StateVisitor& visitor) override;

 private:
  Schedule lambda_;
  Mask mask_;
  bool scale_with_lr_;
  std::vector<bool> selected_;
  double current_ = 0;  // λ_t of the step in progress
  DecayState state_;
};

/// AdamW's decay λ (a constant or a Schedule) on the parameters `mask` selects
/// (formula and placement at the top of this file).
/// @throws tg::Error for λ < 0 or NaN, or an empty mask.
TransformPtr decoupled_weight_decay(Schedule lambda, Mask mask = decay_mask(),
                                    bool scale_with_lr = true);

}  // namespace tg::optim
