// optim/scale_by_adam.hpp — Adam's per-coordinate scaling of the gradient.
//
// With t = count + 1 (updates so far, this one included):
//
//   m ← β₁·m + (1 − β₁)·g            first moment (mean)
//   v ← β₂·v + (1 − β₂)·g²           second moment (uncentred variance)
//   v_max ← max(v_max, v)            (amsgrad only; then v_max replaces v below)
//   u ← (m / (1 − β₁ᵗ)) / (√v / √(1 − β₂ᵗ) + ε)
//
// ε is added after the square root and after bias correction, as in
// torch.optim.Adam (optax.scale_by_adam puts it in the same place). The step
// count is shared by all parameters (PyTorch keeps one per parameter; they
// differ only for a parameter that misses gradients on some steps).
// Throws tg::Error for β₁ or β₂ outside [0, 1) and ε ≤ 0 (or NaN), naming the field.
// References: Kingma & Ba 2015; Reddi, Kale & Kumar 2018 (AMSGrad).
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// State of scale_by_adam().
struct AdamState {
  std::int64_t count = 0;     ///< updates applied so far
  std::vector<Tensor> mu;     ///< m per parameter
  std::vector<Tensor> nu;     ///< v per parameter
  std::vector<Tensor> nu_max; ///< max of v (amsgrad only; undefined otherwise)
};

/// Adam's scaling; build it with scale_by_adam().
class ScaleByAdam : public ElementwiseTransform {
 public:
  /// @throws tg::Error as scale_by_adam() does.
  ScaleByAdam(double beta1, double beta2, double eps, bool amsgrad);
  std::string name() const override { return "scale_by_adam"; }
  TransformKind kind() const override { return TransformKind::adaptive_scaling; }
  void init(const nn::ParameterList& params) override;
  /// Advances the count and computes the bias corrections of this step.
  void prepare(UpdateContext& ctx) override;
  void update_chunk(UpdateContext& ctx, const Chunk& chunk) override;
  void visit_state(StateVisitor& visitor) override;

 private:
  double beta1_, beta2_, eps_;
  bool amsgrad_;
  AdamState state_;
  double correction1_ = 1, sqrt_correction2_ = 1;  // 1 − β₁ᵗ and √(1 − β₂ᵗ) of this step
};

/// Adam's moment estimates and scaling (formula at the top of this file);
/// the learning rate comes after, from scale_by_learning_rate.
/// @throws tg::Error for β₁ or β₂ outside [0, 1) and ε ≤ 0 (or NaN).
TransformPtr scale_by_adam(double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                           bool amsgrad = false);

}  // namespace tg::optim
