// data/synthetic.hpp — small seeded tasks with known answers, for testing
// models and optimizers in seconds.
//
//   tg::Generator gen(0);
//   auto add = tg::data::addition_problem({.length = 100, .count = 10000}, gen);
//   add.inputs;    // [100, 10000, 2] time-major, add.example_axis == 1
//   auto spirals = tg::data::two_spirals({.count = 1000, .noise = 0.05}, gen);
//   auto reg = tg::data::teacher_student(5000, {.inputs = 10, .noise = 0.1}, gen);
//
// Every task draws all its randomness from the generator it is given, so the
// same seed gives the same data on every run and thread count; the generator
// moves on, so a second call gives fresh data (e.g. a test set).
#pragma once

#include <cstdint>

#include "data/dataset.hpp"
#include "tensor/random.hpp"

namespace tg::data {

// --- the addition problem --------------------------------------------------

/// Size of an addition_problem data set.
struct AdditionOptions {
  std::int64_t length = 100;  ///< T, time steps per sequence (>= 2)
  std::int64_t count = 1000;  ///< N, sequences (>= 0)
};

/// The addition problem (Hochreiter & Schmidhuber 1997, "Long short-term
/// memory", experiment 4), in the form of Le, Jaitly & Hinton 2015 ("A simple
/// way to initialize recurrent networks of rectified linear units", IRNN):
/// at each step t the input is (v_t, m_t) with v_t ~ U[0, 1) and m_t a marker
/// that is 1 at exactly two steps — one uniform in the first half [0, T/2),
/// one uniform in the second half [T/2, T) (T/2 rounded down) — and 0
/// elsewhere. The target is the sum of the two marked values.
///
/// Returns inputs [T, N, 2] f32 (time-major, as nn::RNN/LSTM/GRU take them;
/// channel 0 the values, channel 1 the marker), targets [N, 1] f32,
/// example_axis 1. The target is computed in f32 from the stored values, so
/// it equals inputs[p1, n, 0] + inputs[p2, n, 0] exactly.
///
/// Baseline: the target s = v1 + v2 has mean 1 and variance 2 * (1/12) = 1/6,
/// so always predicting 1 — the best constant — scores MSE 1/6 ~ 0.167 (the
/// baseline in Le et al.'s plots); a model has learnt the task when its MSE
/// is well below that.
/// Note [addition baseline 1/24]: Hochreiter & Schmidhuber draw the values
/// from U[-1, 1] and set the target to 0.5 + (v1 + v2) / 4. Writing their
/// values as 2 v - 1 with v ~ U[0, 1) turns that target into s / 2, so its
/// variance — the MSE of predicting its mean 0.5 — is (1/6) / 4 = 1/24 ~ 0.042.
/// Quote 1/6 for the targets made here and 1/24 for theirs.
///
/// Throws tg::Error for length < 2 or count < 0.
Dataset addition_problem(const AdditionOptions& options, Generator& gen);

// --- two spirals -----------------------------------------------------------

/// Size and shape of a two_spirals data set.
struct SpiralsOptions {
  std::int64_t count = 1000;  ///< N points in all (>= 0)
  double noise = 0.0;         ///< std of Gaussian noise added to each coordinate (>= 0)
  double turns = 1.5;         ///< how many times each arm winds around the origin (> 0)
};

/// Two interleaved spiral arms (after Lang & Witbrock 1988, "Learning to tell
/// two spirals apart"), a classic task no linear model can solve. Point i
/// belongs to class c = i % 2 (so the classes are balanced, differing by at
/// most one); with t = sqrt(u), u ~ U[0, 1):
///
///   r = t,  angle = 2 pi turns t + pi c,  (x, y) = r (cos angle, sin angle) + noise * N(0, I)
///
/// so class 1 is class 0 turned by half a circle. An arm's length up to
/// radius r grows like r^2, so t = sqrt(u) spreads the points evenly along
/// it, rather than crowding the centre.
/// Returns inputs [N, 2] f32, targets [N] i64 (0 or 1).
/// Throws tg::Error for count < 0, noise < 0 or turns <= 0.
Dataset two_spirals(const SpiralsOptions& options, Generator& gen);

// --- teacher–student regression --------------------------------------------

/// The teacher network's sizes and seed, and the label noise (teacher_student).
struct TeacherOptions {
  std::int64_t inputs = 10;        ///< D (>= 1)
  std::int64_t hidden = 32;        ///< H (>= 1)
  std::int64_t outputs = 1;        ///< K (>= 1)
  double noise = 0.1;              ///< std of the label noise (>= 0)
  std::uint64_t teacher_seed = 0;  ///< fixes the teacher's weights
};

/// The teacher: a random one-hidden-layer tanh network,
///
///   teacher(x) = tanh(x W1 + b1) W2,   W1 [D, H] ~ N(0, 1/D), b1 [H] ~ N(0, 1), W2 [H, K] ~ N(0, 1/H),
///
/// with weights drawn (W1, b1, W2 in that order) from Generator(teacher_seed),
/// so it depends on the options only. x [N, D] f32 -> [N, K] f32.
/// Throws tg::Error for sizes < 1, noise < 0, or an x that is not f32 [N, D].
Tensor teacher_forward(const TeacherOptions& options, const Tensor& x);

/// A regression set labelled by the teacher (a student network of the same
/// shape can reach the noise floor): inputs x ~ N(0, I) [count, D] f32 drawn
/// from `gen`, targets teacher(x) + noise * N(0, I) [count, K] f32. The best
/// possible test MSE is noise^2. Data sets drawn with the same options share
/// one teacher, so train and test sets come from two calls.
/// Throws tg::Error for count < 0, sizes < 1 or noise < 0.
Dataset teacher_student(std::int64_t count, const TeacherOptions& options, Generator& gen);

}  // namespace tg::data
