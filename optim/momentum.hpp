// optim/momentum.hpp — heavy-ball and Nesterov momentum (PyTorch's formulation).
//
//   b ← u                         on a parameter's first update
//   b ← β·b + (1 − dampening)·u   afterwards
//   u ← u + β·b   (nesterov)   or   u ← b
//
// This is torch.optim.SGD's buffer (the learning rate is applied later, by
// scale_by_learning_rate, which for a constant lr is the same thing).
// optax.trace is the same with dampening = 0.
// Throws tg::Error for β outside [0, 1), dampening outside [0, 1), and for
// nesterov with β = 0 or dampening ≠ 0 (as torch does).
// Reference: Sutskever, Martens, Dahl & Hinton 2013.
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// State of momentum().
struct MomentumState {
  std::vector<Tensor> trace;  ///< b per parameter; undefined until its first update
};

/// The momentum transform; build it with momentum().
class Momentum : public ElementwiseTransform {
 public:
  /// @throws tg::Error as momentum() does.
  Momentum(double beta, bool nesterov, double dampening);
  std::string name() const override { return "momentum"; }
  void init(const nn::ParameterList& params) override;
  /// Creates the trace of parameters updated for the first time.
  void prepare(UpdateContext& ctx) override;
  void update_chunk(UpdateContext& ctx, const Chunk& chunk) override;
  void visit_state(StateVisitor& visitor) override;

 private:
  double beta_, dampening_;
  bool nesterov_;
  MomentumState state_;
  std::vector<bool> fresh_;  // per parameter: this step starts its trace (b ← u)
};

/// Heavy-ball (or Nesterov) momentum with coefficient β, as torch.optim.SGD's
/// buffer (formula at the top of this file). Per-parameter state: the trace b.
/// @throws tg::Error for β or dampening outside [0, 1), or nesterov with
///         β = 0 or dampening ≠ 0.
TransformPtr momentum(double beta, bool nesterov = false, double dampening = 0.0);

}  // namespace tg::optim
