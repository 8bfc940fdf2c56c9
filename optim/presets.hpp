// optim/presets.hpp — the classic optimizers as short named chains.
//
// Each preset is a chain of the transforms in this folder and reproduces
// PyTorch's update rule number for number (tests/optim/test_presets.cpp
// checks 10-step trajectories against torch.optim, 1e-10 in f64):
//
//   sgd      [masked(add_l2_to_grad)] → [momentum] → scale_by_learning_rate
//   adam     [masked(add_l2_to_grad)] → scale_by_adam → scale_by_learning_rate
//   adamw    scale_by_adam → decoupled_weight_decay → scale_by_learning_rate
//   rmsprop  [masked(add_l2_to_grad)] → scale_by_rms → [momentum] → scale_by_learning_rate
//   adagrad  [masked(add_l2_to_grad)] → scale_by_adagrad → scale_by_learning_rate(inverse_time_decay)
//
// weight_decay: coupled L2 for sgd/adam/rmsprop/adagrad (as torch.optim.*),
// decoupled for adamw — see Note [three decays] in optim/add_l2_to_grad.hpp.
// Decay applies to decay_mask(decay_bias_and_norm): by default weights and
// embeddings only; set decay_bias_and_norm = true to decay every parameter,
// as torch.optim does for a single parameter group.
// Options use designated initializers:  sgd({.lr = 0.1, .momentum = 0.9, .nesterov = true})
// Each throws tg::Error naming the preset, field and value for lr ≤ 0 or NaN,
// betas outside [0, 1), eps ≤ 0, or negative decay coefficients.
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

struct SgdOptions {
  double lr = 1e-2;
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
  double weight_decay = 0.0;
  bool decay_bias_and_norm = false;
};

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;  // coupled for adam(), decoupled for adamw()
  bool amsgrad = false;
  bool decay_bias_and_norm = false;
};

struct RmspropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;
  bool decay_bias_and_norm = false;
};

struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0.0;
  double weight_decay = 0.0;
  double eps = 1e-10;
  double initial_accumulator = 0.0;
  bool decay_bias_and_norm = false;
};

/// torch.optim.SGD.
TransformPtr sgd(const SgdOptions& options = {});
/// torch.optim.Adam (weight_decay is coupled L2, as there).
TransformPtr adam(const AdamOptions& options = {});
/// torch.optim.AdamW; weight_decay defaults to 1e-2 as there.
TransformPtr adamw(AdamOptions options = {.weight_decay = 1e-2});
/// torch.optim.RMSprop.
TransformPtr rmsprop(const RmspropOptions& options = {});
/// torch.optim.Adagrad.
TransformPtr adagrad(const AdagradOptions& options = {});

}  // namespace tg::optim
