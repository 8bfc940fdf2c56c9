// optim/scale_by_rms.hpp — RMSProp's scaling by a running root mean square.
//
//   v ← α·v + (1 − α)·g²
//   m ← α·m + (1 − α)·g                      (centered only)
//   u ← g / (√(v − m²) + ε)    centered,    u ← g / (√v + ε)   otherwise
//
// v and m start at 0 and are not bias-corrected; ε is added after the square
// root — both as in torch.optim.RMSprop (optax.scale_by_rms puts ε inside the
// root and can start v at 1). Momentum, if wanted, is a separate transform
// after this one (the rmsprop() preset does that).
// Throws tg::Error for α outside [0, 1) and ε ≤ 0 (or NaN).
// Reference: Tieleman & Hinton 2012 (lecture 6.5); Graves 2013 (centered).
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// State of scale_by_rms().
struct RmsState {
  std::vector<Tensor> nu;  ///< running mean of g² per parameter
  std::vector<Tensor> mu;  ///< running mean of g per parameter (centered only; undefined otherwise)
};

/// RMSProp's scaling; build it with scale_by_rms().
class ScaleByRms : public ElementwiseTransform {
 public:
  /// @throws tg::Error as scale_by_rms() does.
  ScaleByRms(double decay, double eps, bool centered);
  std::string name() const override { return "scale_by_rms"; }
  TransformKind kind() const override { return TransformKind::adaptive_scaling; }
  void init(const nn::ParameterList& params) override;
  void update_chunk(UpdateContext& ctx, const Chunk& chunk) override;
  void visit_state(StateVisitor& visitor) override;

 private:
  double decay_, eps_;
  bool centered_;
  RmsState state_;
};

/// Division by a running RMS with decay α = `decay` (formula at the top of this file).
/// @throws tg::Error for α outside [0, 1) and ε ≤ 0 (or NaN).
TransformPtr scale_by_rms(double decay = 0.99, double eps = 1e-8, bool centered = false);

}  // namespace tg::optim
