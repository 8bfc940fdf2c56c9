// examples/demos/decay.hpp — Adam with an L2 penalty node versus AdamW.
//
// Take a weight vector w that the data loss does not depend on (its data
// gradient is exactly 0) and train it for T steps with two kinds of "decay":
//
//   Adam + L2 node:  the loss gets (λ/2)‖w‖², so Adam sees g = λw and steps
//                    lr · m̂/(√v̂ + ε). Scaling g by λ scales m̂ and √v̂ alike:
//                    the step does not depend on λ at all (while λ|w| ≫ ε).
//   AdamW:           the data gradient 0 gives Adam's update 0; decoupled
//                    decay shrinks w by (1 − lr·λ) every step, so
//                    w_T = (1 − lr·λ)^T w_0: λ does exactly what it says.
//
// This is Loshchilov & Hutter's argument (2019, "Decoupled weight decay
// regularization") in its smallest form; see Note [three kinds of decay] in
// nn/regularizers.hpp.
#pragma once

#include <cstdint>

namespace demos {

struct DecayOptions {
  double lambda = 1e-2;
  double lr = 1e-2;
  std::int64_t steps = 50;
  double w0 = 1.0;
};

struct DecayRun {
  double adam_l2 = 0;   // w_T / w_0 under Adam with an L2 penalty node
  double adamw = 0;     // w_T / w_0 under AdamW (decoupled decay)
  double predicted_adamw = 0;  // (1 − lr·λ)^T
};

DecayRun run_decay(const DecayOptions& options);

}  // namespace demos
