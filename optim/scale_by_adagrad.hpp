// optim/scale_by_adagrad.hpp — Adagrad's scaling by the root of all past squared gradients.
//
//   s ← s + g²              (s starts at initial_accumulator)
//   u ← g / (√s + ε)
//
// As torch.optim.Adagrad (ε after the root). Learning-rate decay is a
// schedule on scale_by_learning_rate (inverse_time_decay; see the adagrad() preset).
// Throws tg::Error for ε ≤ 0 and initial_accumulator < 0 (or NaN).
// Reference: Duchi, Hazan & Singer 2011.
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// State of scale_by_adagrad().
struct AdagradState {
  std::vector<Tensor> sum_of_squares;  ///< s per parameter
};

/// Adagrad's scaling; build it with scale_by_adagrad().
class ScaleByAdagrad : public ElementwiseTransform {
 public:
  /// @throws tg::Error as scale_by_adagrad() does.
  ScaleByAdagrad(double eps, double initial_accumulator);
  std::string name() const override { return "scale_by_adagrad"; }
  TransformKind kind() const override { return TransformKind::adaptive_scaling; }
  void init(const nn::ParameterList& params) override;
  void update_chunk(UpdateContext& ctx, const Chunk& chunk) override;
  void visit_state(StateVisitor& visitor) override;

 private:
  double eps_, initial_accumulator_;
  AdagradState state_;
};

/// Division by the root of all past squared gradients (formula at the top of this file).
/// @throws tg::Error for ε ≤ 0 and initial_accumulator < 0 (or NaN).
TransformPtr scale_by_adagrad(double eps = 1e-10, double initial_accumulator = 0.0);

}  // namespace tg::optim
