// data/dataset.hpp — a dataset held in memory: inputs and targets, one
// example per index (PyTorch's TensorDataset, Keras's (x, y) pair).
//
//   tg::data::Dataset train = tg::data::load_mnist(dir);   // inputs [60000, 28, 28]
//   train.size();                                          // 60000
//   tg::data::Dataset seqs = tg::data::addition_problem({.length = 100, .count = 1000}, gen);
//   seqs.example_axis;                                     // 1: inputs are [T, N, 2]
//
// Example i is inputs.select(example_axis, i) with targets.select(0, i).
// Sequence tasks keep their inputs time-major ([T, N, F], as the RNN layers
// in nn/ take them), so their examples run along axis 1; targets always run
// along axis 0.
#pragma once

#include <cstdint>

#include "tensor/tensor.hpp"

namespace tg::data {

/// Inputs and targets held in memory; example i is
/// inputs.select(example_axis, i) with targets.select(0, i).
struct Dataset {
  Tensor inputs;   ///< the examples' features, examples along example_axis
  Tensor targets;  ///< the examples' labels or values, examples along axis 0
  /// The axis of `inputs` that indexes examples: 0 for [N, ...], 1 for
  /// time-major sequences [T, N, F].
  std::int64_t example_axis = 0;

  /// The number of examples (inputs' extent along example_axis).
  /// Calls check() first.
  std::int64_t size() const;
  /// Throws tg::Error, prefixed with `op`, unless both tensors are defined,
  /// example_axis is an axis of inputs, targets have at least one dimension
  /// and both hold the same number of examples:
  /// `DataLoader: inputs [100, 2] hold 100 examples (axis 0) but targets [99] hold 99`.
  void check(const char* op) const;
};

}  // namespace tg::data
