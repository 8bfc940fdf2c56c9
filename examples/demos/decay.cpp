#include "demos/decay.hpp"

#include <cmath>

#include "autodiff/autodiff.hpp"
#include "nn/regularizers.hpp"
#include "optim/optim.hpp"
#include "tensor/creation.hpp"

namespace demos {
namespace {

/// Trains w (4 elements, all w0, f64) for o.steps steps and returns w_T[0] / w0.
/// The data loss 0·Σw gives every step a gradient that is exactly zero.
double train(const DecayOptions& o, bool l2_node, tg::optim::TransformPtr chain) {
  tg::Var w(tg::full({4}, o.w0, tg::DType::f64), /*requires_grad=*/true);
  tg::optim::Optimizer opt({{"w", w, tg::nn::ParamRole::weight}}, std::move(chain));
  for (std::int64_t t = 0; t < o.steps; ++t) {
    tg::Var loss = tg::sum(w) * 0.0;  // data loss with zero gradient
    if (l2_node) loss = loss + tg::nn::l2({w}, o.lambda);
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  return w.value().at({0}) / o.w0;
}

}  // namespace

DecayRun run_decay(const DecayOptions& o) {
  using namespace tg::optim;
  DecayRun run;
  run.adam_l2 = train(o, true, adam({.lr = o.lr}));
  run.adamw = train(o, false, adamw({.lr = o.lr, .weight_decay = o.lambda}));
  run.predicted_adamw = std::pow(1.0 - o.lr * o.lambda, static_cast<double>(o.steps));
  return run;
}

}  // namespace demos
