#include "nn/dropout.hpp"

#include "autodiff/functional.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

namespace {
void check_p(double p) {
  // p = 1 would zero everything and scale by 1/0.
  if (!(p >= 0.0 && p < 1.0)) fail("Dropout: p must be in [0, 1), got ", p);
}
}  // namespace

Var dropout(const Var& x, double p, bool training, Generator& gen) {
  check_p(p);
  if (!x.defined()) fail("Dropout: the input is undefined");
  if (!training || p == 0.0) return x;
  const Tensor mask = mul(bernoulli(x.shape(), 1.0 - p, gen, x.dtype()), 1.0 / (1.0 - p));
  return x * Var(mask);
}

Dropout::Dropout(const DropoutOptions& options) : p_(options.p), gen_(options.seed) {
  check_p(p_);
}

Var Dropout::forward(const Var& x) { return dropout(x, p_, is_training(), gen_); }

}  // namespace tg::nn
