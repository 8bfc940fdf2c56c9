// examples/demos/cliff.hpp — Pascanu's one-unit "cliff": why gradients explode
// and what clipping does about it.
//
// A recurrent net of one unit, unrolled for T steps:
//
//   x_t = w σ(x_{t−1}) + b,   x_0 = 0.5,   E(w, b) = (σ(x_T) − 0.7)²
//
// For some (w, b) the map x ↦ w σ(x) + b has two stable fixed points, and a
// small change of b moves x_0 from one basin to the other: E jumps, and at
// the edge of that jump (the "cliff") ∂E/∂(w, b) is enormous. Gradient
// descent that steps onto the cliff is thrown far away, onto a plateau where
// the gradient is ~0 and nothing moves again. Clipping the gradient's norm
// keeps the *direction* and bounds the *step*, so descent walks down the
// cliff instead (Pascanu, Mikolov & Bengio 2013, "On the difficulty of
// training recurrent neural networks", section 3 and figure 6).
//
// Computed in f64 with tapegrad's tape and optimizer: plain gradient descent
// is chain(scale_by_learning_rate(lr)); the cure adds clip_by_global_norm in front.
//
// Note [where the cliff is]
// Whether plain descent falls off depends on where exactly a step lands, so
// it is chaotic in the start point and even in rounding: from (w, b) =
// (10, −5) a hand-written NumPy loop ends on the plateau E = 0.09 but
// PyTorch and tapegrad (same formula, different rounding) converge. From
// (7.5, −6), used here, NumPy, PyTorch-style loops and tapegrad all agree
// (also for starts moved by 1e-6): unclipped descent meets a gradient norm
// of ~59, jumps, and stays at E ≈ 0.09 (σ(x_50) ≈ 1); clipped at 1 it
// reaches E < 1e-9. Over a 17 x 17 grid of starts in [6, 14] x [−7, −3]
// (lr 0.5, 3000 steps, NumPy), unclipped descent ends on a plateau in 66% of
// the starts and clipped descent converges in 54%: clipping at 1 with lr 0.5
// still allows steps of 0.5, which can cross a cliff too. It bounds the
// damage of one step; it does not make the landscape smooth.
#pragma once

#include <cstdint>
#include <vector>

namespace demos {

struct CliffOptions {
  std::int64_t unroll = 50;       // T
  double x0 = 0.5;
  double target = 0.7;
  double w0 = 7.5, b0 = -6.0;     // where descent starts (Note [where the cliff is])
  double lr = 0.5;
  std::int64_t iterations = 3000;
  double clip = 0;                // max global norm; 0: no clipping
};

struct CliffRun {
  std::vector<double> loss;       // E before each step
  std::vector<double> grad_norm;  // ‖∇E‖ before each step (before clipping)
  double final_loss = 0;          // E after the last step
  double max_grad_norm = 0;
  std::int64_t clipped_steps = 0;
  double w = 0, b = 0;            // where descent ended
};

/// E(w, b) for the options' T, x0 and target (no tape recorded).
double cliff_loss(const CliffOptions& options, double w, double b);

/// Gradient descent on E from (w0, b0), with clipping if options.clip > 0.
CliffRun run_cliff(const CliffOptions& options);

}  // namespace demos
