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

struct MomentumState {
  std::vector<Tensor> trace;  // b per parameter; undefined until its first update
};

class Momentum : public Transform {
 public:
  Momentum(double beta, bool nesterov, double dampening);
  std::string name() const override { return "momentum"; }
  void init(const nn::ParameterList& params) override;
  void update(UpdateContext& ctx) override;
  void visit_state(StateVisitor& visitor) override;

 private:
  double beta_, dampening_;
  bool nesterov_;
  MomentumState state_;
};

TransformPtr momentum(double beta, bool nesterov = false, double dampening = 0.0);

}  // namespace tg::optim
