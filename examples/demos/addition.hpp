// examples/demos/addition.hpp — exploding gradients in a ReLU RNN, and cures.
//
// The addition problem (data/synthetic.hpp): a sequence of T pairs (value,
// marker); the target is the sum of the two marked values. The model is an
// IRNN (Le, Jaitly & Hinton 2015): a ReLU RNN whose recurrent matrix starts
// as the identity, so the state carries information over many steps — and a
// gradient that passes through T copies of W_hh grows like ‖W_hh‖^T as soon
// as W_hh drifts above norm 1. One bad batch then makes a step so large that
// the loss turns into Inf/NaN, or the net lands where it learns nothing.
//
// Each Cure changes one thing in the same training run:
//   none            plain SGD
//   clip            clip_by_global_norm(clip) before the learning rate
//   skip_nonfinite  the non-finite guard: skip steps whose gradient has NaN/Inf
//   l2              an L2 penalty node (λ/2)Σw² added to the loss
//   agc             adaptive_clip(λ): each unit's gradient ≤ λ × its weight norm
//
// Loss: MSE against the targets. Baseline: predicting the mean target 1
// always scores Var[v1 + v2] = 2/12 = 1/6 (Note [addition baseline 1/24]
// in data/synthetic.hpp); a model has learnt something when its test MSE is
// well below that.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace demos {

enum class Cure { none, clip, skip_nonfinite, l2, agc };
const char* cure_name(Cure cure);

struct AdditionOptions {
  std::int64_t length = 50;    // T
  std::int64_t hidden = 32;
  std::int64_t batch = 20;
  double lr = 0.01;
  std::int64_t steps = 10000;  // at lr 0.01, clipped SGD needs ~8000 to beat half the baseline
  std::int64_t test_count = 1000;  // held-out sequences for the final MSE
  std::uint64_t seed = 0;
  Cure cure = Cure::none;
  double clip = 1.0;           // for Cure::clip
  double l2 = 1e-3;            // for Cure::l2
  double agc = 0.1;            // for Cure::agc
  std::int64_t skip_budget = 100;  // for Cure::skip_nonfinite: consecutive skips before it gives up
};

struct AdditionRun {
  std::vector<double> loss;        // training MSE of each step's batch
  std::vector<double> grad_norm;   // global gradient norm of each step (before any clipping)
  double test_mse = 0;             // on held-out sequences after training (NaN if diverged)
  double baseline = 1.0 / 6.0;     // MSE of always predicting 1 (the expected value)
  double test_baseline = 0;        // the same, measured on the held-out targets
  double max_grad_norm = 0;        // over the finite norms seen
  std::int64_t clipped_steps = 0, skipped_steps = 0;
  std::int64_t steps_done = 0;     // less than steps if training stopped early
  bool diverged = false;           // loss or parameters became non-finite
  std::string stop_reason;         // why it stopped early, if it did
};

AdditionRun run_addition(const AdditionOptions& options);

}  // namespace demos
