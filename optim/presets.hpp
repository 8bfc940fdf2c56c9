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

/// Options of sgd(), named as torch.optim.SGD's.
struct SgdOptions {
  double lr = 1e-2;          ///< learning rate, > 0 (default 1e-2)
  double momentum = 0.0;     ///< momentum β in [0, 1); 0: plain SGD (default 0)
  double dampening = 0.0;    ///< dampening of the momentum buffer, in [0, 1) (default 0)
  bool nesterov = false;     ///< Nesterov momentum; needs momentum > 0, dampening 0 (default false)
  double weight_decay = 0.0; ///< coupled L2 λ ≥ 0, added to the gradient (default 0)
  bool decay_bias_and_norm = false;  ///< decay biases and norm parameters too, as torch (default false)
};

/// Options of adam() and adamw(), named as torch.optim.Adam's.
struct AdamOptions {
  double lr = 1e-3;           ///< learning rate, > 0 (default 1e-3)
  double beta1 = 0.9;         ///< decay of the first moment, in [0, 1) (default 0.9)
  double beta2 = 0.999;       ///< decay of the second moment, in [0, 1) (default 0.999)
  double eps = 1e-8;          ///< added to √v̂, > 0 (default 1e-8)
  double weight_decay = 0.0;  ///< λ ≥ 0: coupled L2 for adam(), decoupled for adamw() (default 0)
  bool amsgrad = false;       ///< use the running maximum of v (AMSGrad) (default false)
  bool decay_bias_and_norm = false;  ///< decay biases and norm parameters too, as torch (default false)
};

/// Options of rmsprop(), named as torch.optim.RMSprop's.
struct RmspropOptions {
  double lr = 1e-2;           ///< learning rate, > 0 (default 1e-2)
  double alpha = 0.99;        ///< decay of the running mean of g², in [0, 1) (default 0.99)
  double eps = 1e-8;          ///< added to the root, > 0 (default 1e-8)
  double weight_decay = 0.0;  ///< coupled L2 λ ≥ 0 (default 0)
  double momentum = 0.0;      ///< momentum β in [0, 1) after the scaling; 0: none (default 0)
  bool centered = false;      ///< divide by the centred RMS √(v − m²) (default false)
  bool decay_bias_and_norm = false;  ///< decay biases and norm parameters too, as torch (default false)
};

/// Options of adagrad(), named as torch.optim.Adagrad's.
struct AdagradOptions {
  double lr = 1e-2;                 ///< learning rate, > 0 (default 1e-2)
  double lr_decay = 0.0;            ///< lr_t = lr / (1 + t·lr_decay), ≥ 0 (default 0)
  double weight_decay = 0.0;        ///< coupled L2 λ ≥ 0 (default 0)
  double eps = 1e-10;               ///< added to the root, > 0 (default 1e-10)
  double initial_accumulator = 0.0; ///< starting value of Σg², ≥ 0 (default 0)
  bool decay_bias_and_norm = false; ///< decay biases and norm parameters too, as torch (default false)
};

/// torch.optim.SGD as a chain (see the top of this file).
/// @throws tg::Error naming "sgd", the field and the value for an option out of range.
TransformPtr sgd(const SgdOptions& options = {});
/// torch.optim.Adam (weight_decay is coupled L2, as there).
/// @throws tg::Error naming "adam", the field and the value for an option out of range.
TransformPtr adam(const AdamOptions& options = {});
/// torch.optim.AdamW; weight_decay defaults to 1e-2 as there.
/// @throws tg::Error naming "adamw", the field and the value for an option out of range.
TransformPtr adamw(AdamOptions options = {.weight_decay = 1e-2});
/// torch.optim.RMSprop.
/// @throws tg::Error naming "rmsprop", the field and the value for an option out of range.
TransformPtr rmsprop(const RmspropOptions& options = {});
/// torch.optim.Adagrad.
/// @throws tg::Error naming "adagrad", the field and the value for an option out of range.
TransformPtr adagrad(const AdagradOptions& options = {});

}  // namespace tg::optim
