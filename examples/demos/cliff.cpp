#include "demos/cliff.hpp"

#include <algorithm>

#include "autodiff/autodiff.hpp"
#include "optim/optim.hpp"
#include "tensor/creation.hpp"

namespace demos {
namespace {

tg::Var unrolled_loss(const CliffOptions& o, const tg::Var& w, const tg::Var& b) {
  tg::Var x(tg::scalar(o.x0, tg::DType::f64));
  for (std::int64_t t = 0; t < o.unroll; ++t) x = w * tg::sigmoid(x) + b;
  return tg::square(tg::sigmoid(x) - o.target);
}

}  // namespace

double cliff_loss(const CliffOptions& options, double w, double b) {
  tg::NoGradGuard no_grad;
  return unrolled_loss(options, tg::Var(tg::scalar(w, tg::DType::f64)),
                       tg::Var(tg::scalar(b, tg::DType::f64)))
      .item();
}

CliffRun run_cliff(const CliffOptions& o) {
  tg::Var w(tg::scalar(o.w0, tg::DType::f64), /*requires_grad=*/true);
  tg::Var b(tg::scalar(o.b0, tg::DType::f64), /*requires_grad=*/true);
  tg::nn::ParameterList params{{"w", w, tg::nn::ParamRole::weight}, {"b", b, tg::nn::ParamRole::bias}};
  tg::optim::TransformPtr chain =
      o.clip > 0 ? tg::optim::chain(tg::optim::clip_by_global_norm(o.clip), tg::optim::scale_by_learning_rate(o.lr))
                 : tg::optim::chain(tg::optim::scale_by_learning_rate(o.lr));
  tg::optim::Optimizer opt(params, std::move(chain));

  CliffRun run;
  for (std::int64_t i = 0; i < o.iterations; ++i) {
    tg::Var loss = unrolled_loss(o, w, b);
    opt.zero_grad();
    loss.backward();
    const tg::optim::StepReport r = opt.step();
    run.loss.push_back(loss.item());
    run.grad_norm.push_back(r.grad_norm);
    run.max_grad_norm = std::max(run.max_grad_norm, r.grad_norm);
    run.clipped_steps += r.clipped;
  }
  run.w = w.item();
  run.b = b.item();
  run.final_loss = cliff_loss(o, run.w, run.b);
  return run;
}

}  // namespace demos
