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

/// Options of Dropout.
struct DropoutOptions {
  double p = 0.5;          ///< probability of zeroing an element, in [0, 1) (default 0.5)
  std::uint64_t seed = 0;  ///< seed of the layer's own Generator for the masks (default 0)
};

/// The operation as a function: x * mask / (1 - p) with mask ~ Bernoulli(1 - p)
/// from `gen` when training, x otherwise.
///
/// Any shape; the mask has x's shape and dtype. With p = 0 or not training, x
/// itself is returned and nothing is drawn. Throws tg::Error if p is not in
/// [0, 1) or x is undefined.
Var dropout(const Var& x, double p, bool training, Generator& gen);

/// Inverted dropout (torch.nn.Dropout; Srivastava et al., JMLR 2014); no parameters.
///
/// In training mode each element is kept with probability 1 - p and scaled by
/// 1 / (1 - p), so E[y] = x; the gradient is the same mask times 1 / (1 - p).
/// In evaluation mode (eval()) it is the identity. Any shape, output of the
/// same shape. Each Dropout owns a Generator seeded from options.seed, so a
/// run is reproducible and independent of other random draws; successive
/// calls draw fresh masks from that stream.
class Dropout : public UnaryModule {
 public:
  /// Throws tg::Error if options.p is not in [0, 1).
  explicit Dropout(const DropoutOptions& options = {});
  /// Dropout with probability p and seed 0; throws if p is not in [0, 1).
  explicit Dropout(double p) : Dropout(DropoutOptions{.p = p}) {}

  /// x * mask / (1 - p) while training, x in evaluation; same shape as x.
  /// Throws tg::Error if x is undefined.
  Var forward(const Var& x) override;

  /// The probability of zeroing an element.
  double p() const { return p_; }
  /// The stream the masks come from (to save or rewind it).
  Generator& generator() { return gen_; }

 private:
  double p_;
  Generator gen_;
};

}  // namespace tg::nn
