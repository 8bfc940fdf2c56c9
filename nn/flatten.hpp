// nn/flatten.hpp — merges a range of axes into one (torch.nn.Flatten).
//
//   tg::nn::Flatten flat;          // [N, C, H, W] -> [N, C*H*W]
//   tg::nn::Flatten all(0);        // [N, C, H, W] -> [N*C*H*W]
//
// Axes start_axis..end_axis (inclusive; negative counts from the end) become
// one axis of their product; the others are kept. A reshape: the gradient
// is reshaped back. Throws when an axis is out of range for the input or
// start_axis comes after end_axis.
#pragma once

#include <cstdint>

#include "nn/unary_module.hpp"

namespace tg::nn {

/// Merges the axes start_axis..end_axis into one (torch.nn.Flatten); no parameters.
///
/// The axes start_axis..end_axis (inclusive; negative counts from the end)
/// become one axis whose extent is their product; the others are kept, so
/// the default turns [N, C, H, W] into [N, C*H*W]. A reshape: the gradient is
/// reshaped back. A 0-d input is treated as 1-d with one element and gives [1].
class Flatten : public UnaryModule {
 public:
  /// Flattens axes start_axis..end_axis (inclusive); the axes are checked
  /// against each input in forward(), not here.
  explicit Flatten(std::int64_t start_axis = 1, std::int64_t end_axis = -1)
      : start_axis_(start_axis), end_axis_(end_axis) {}

  /// x reshaped with axes start_axis..end_axis merged. Throws tg::Error if x
  /// is undefined, an axis is out of range for x, or start_axis comes after
  /// end_axis.
  Var forward(const Var& x) override;

 private:
  std::int64_t start_axis_, end_axis_;
};

}  // namespace tg::nn
