// nn/dropout.hpp — randomly zeroes activations while training (torch.nn.Dropout).
//
//   tg::nn::Dropout drop({.p = 0.1, .seed = 42});
//   tg::Var y = drop(x);      // training: x * mask / (1 - p); eval: x
//
// Inverted dropout (Srivastava et al., JMLR 2014): in training each element
// is kept with probability 1 - p and scaled by 1 / (1 - p), so E[y] = x and
// evaluation needs no rescaling; in evaluation (eval()) it is the identity.
// The gradient is the same mask times 1 / (1 - p).
// Each Dropout owns its Generator, seeded from options.seed, so a run is
// reproducible and independent of other random draws; successive calls
// draw fresh masks from that stream.
// Throws: p outside [0, 1).
#pragma once

#include <cstdint>

#include "nn/unary_module.hpp"
#include "tensor/random.hpp"

namespace tg::nn {

struct DropoutOptions {
  double p = 0.5;  // probability of zeroing an element
  std::uint64_t seed = 0;
};

/// The operation as a function: x * mask / (1 - p) with mask ~ Bernoulli(1 - p)
/// from `gen` when training, x otherwise.
Var dropout(const Var& x, double p, bool training, Generator& gen);

class Dropout : public UnaryModule {
 public:
  explicit Dropout(const DropoutOptions& options = {});
  explicit Dropout(double p) : Dropout(DropoutOptions{.p = p}) {}

  Var forward(const Var& x) override;

  double p() const { return p_; }
  /// The stream the masks come from (to save or rewind it).
  Generator& generator() { return gen_; }

 private:
  double p_;
  Generator gen_;
};

}  // namespace tg::nn
