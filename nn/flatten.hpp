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

class Flatten : public UnaryModule {
 public:
  explicit Flatten(std::int64_t start_axis = 1, std::int64_t end_axis = -1)
      : start_axis_(start_axis), end_axis_(end_axis) {}

  Var forward(const Var& x) override;

 private:
  std::int64_t start_axis_, end_axis_;
};

}  // namespace tg::nn
