// optim/proximal_l1.hpp — L1 regularisation by soft thresholding after the step.
//
// Proximal gradient descent for  min L(θ) + λ‖θ‖₁:  after the gradient step,
//
//   θ ← sign(θ) · max(|θ| − lr_t·λ, 0)       (the proximal map of lr·λ‖·‖₁)
//
// Weights whose magnitude falls below lr·λ become exactly 0, which an L1
// penalty node (subgradient λ·sign(θ) added to the loss) never achieves: it
// makes them oscillate around 0 instead. lr_t is the learning rate that
// scale_by_learning_rate used this step, so the chain must contain one
// (checked when the Optimizer is built). Runs as an after-step hook
// (Note [after-step hooks] in optim/transform.hpp). Stateless.
// Throws tg::Error for λ < 0 or NaN.
// Reference: Parikh & Boyd 2014, "Proximal Algorithms", section 6.5.2 (ISTA).
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// The L1 proximal step; build it with proximal_l1().
class ProximalL1 : public Transform {
 public:
  /// @throws tg::Error as proximal_l1() does.
  explicit ProximalL1(double lambda);
  std::string name() const override { return "proximal_l1"; }
  TransformKind kind() const override { return TransformKind::needs_learning_rate; }
  /// Nothing: the work is in after_step().
  void update(UpdateContext&) override {}
  /// Nothing to do before the step, so it never ends a fused run.
  bool fuse_into(FusedRun&) override { return true; }
  /// Soft-thresholds every active parameter by lr_t·λ.
  /// @throws tg::Error if the step had no learning rate (ctx.learning_rate NaN).
  void after_step(UpdateContext& ctx) override;

 private:
  double lambda_;
};

/// After each step, θ ← sign(θ)·max(|θ| − lr_t·λ, 0).
/// @throws tg::Error for λ < 0 or NaN.
TransformPtr proximal_l1(double lambda);

}  // namespace tg::optim
