// optim/add_l2_to_grad.hpp — coupled L2: add λθ to the gradient.
//
// Three different things are all called "weight decay"; tapegrad names them
// apart (Note [three decays]):
//
//   1. L2 penalty node — a regularizer added to the loss (nn/ regularizers):
//        L'(θ) = L(θ) + ½λ‖θ‖²,   so backward yields g + λθ.
//      Part of the objective: it shows up in the loss value and in every
//      gradient-based diagnostic.
//   2. Coupled L2 — this transform: the same λθ added to the gradient inside
//      the optimizer, without touching the loss:
//        u ← g + λθ            (torch.optim.SGD/Adam `weight_decay`)
//      Everything after it (momentum, Adam's 1/√v) scales the penalty too.
//      For SGD, 1 ≡ 2 ≡ 3 up to lr scaling; for Adam it is *not* weight decay:
//      the penalty is divided by the gradient RMS, so weights with large
//      gradients are barely decayed (Loshchilov & Hutter 2019).
//   3. Decoupled weight decay — optim/decoupled_weight_decay.hpp:
//        θ ← θ − lr·λ·θ − lr·adam(g)     (AdamW), apart from the gradient scaling.
//
// Put add_l2_to_grad before momentum / scale_by_* (it acts on raw gradients).
// The chain-order check warns when it precedes adaptive scaling, unless built
// with `adaptive_ok = true` (the adam() preset, which reproduces torch.optim.Adam).
// Stateless. Throws tg::Error for λ < 0 or NaN ("add_l2_to_grad: lambda must be >= 0, got -1").
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// The coupled-L2 transform; build it with add_l2_to_grad().
class AddL2ToGrad : public ElementwiseTransform {
 public:
  /// @throws tg::Error as add_l2_to_grad() does.
  AddL2ToGrad(double lambda, bool adaptive_ok);
  std::string name() const override { return "add_l2_to_grad"; }
  TransformKind kind() const override {
    return adaptive_ok_ ? TransformKind::other : TransformKind::coupled_l2;
  }
  void update_chunk(UpdateContext& ctx, const Chunk& chunk) override;
  /// λ (NaN for λ = 0, a no-op), for the fused sweep (Note [folded scales]).
  double value_coefficient(std::size_t param) const override;

 private:
  double lambda_;
  bool adaptive_ok_;
};

/// u ← u + λθ on every active parameter (wrap it in masked() to choose).
/// `adaptive_ok` silences the chain-order warning before adaptive scaling.
/// @throws tg::Error for λ < 0 or NaN.
TransformPtr add_l2_to_grad(double lambda, bool adaptive_ok = false);

}  // namespace tg::optim
