#include "demos/addition.hpp"

#include <algorithm>
#include <cmath>

#include "autodiff/autodiff.hpp"
#include "data/synthetic.hpp"
#include "nn/init.hpp"
#include "nn/linear.hpp"
#include "nn/losses.hpp"
#include "nn/regularizers.hpp"
#include "nn/rnn.hpp"
#include "optim/optim.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/reduce.hpp"

namespace demos {

const char* cure_name(Cure cure) {
  switch (cure) {
    case Cure::none: return "none";
    case Cure::clip: return "clipped";
    case Cure::skip_nonfinite: return "skip_nonfinite";
    case Cure::l2: return "l2_node";
    case Cure::agc: return "agc";
  }
  return "?";
}

namespace {

/// IRNN: h_t = relu(x_t W_ih^T + h_{t-1} W_hh^T + b), prediction = h_T w_out^T + b_out.
struct Irnn : tg::nn::Module {
  std::shared_ptr<tg::nn::RNN> rnn;
  std::shared_ptr<tg::nn::Linear> head;

  Irnn(std::int64_t hidden, tg::Generator& gen) {
    rnn = register_module("rnn", std::make_shared<tg::nn::RNN>(
                                     2, hidden, tg::nn::RNNOptions{.nonlinearity = tg::nn::RNNNonlinearity::relu,
                                                                   .generator = &gen}));
    head = register_module("head", std::make_shared<tg::nn::Linear>(hidden, 1, tg::nn::LinearOptions{.generator = &gen}));
    // Le et al.'s initialisation: identity recurrence, zero biases, small input/output weights.
    tg::NoGradGuard no_grad;
    const tg::nn::RecurrentWeights& w = rnn->weights();
    tg::Tensor(w.weight_hh.value()).copy_(tg::eye(hidden));
    tg::nn::init::normal_(w.weight_ih.value(), gen, 0.0, 0.1);
    tg::nn::init::normal_(head->weight().value(), gen, 0.0, 0.1);
    tg::nn::init::zeros_(w.bias_ih.value());
    tg::nn::init::zeros_(w.bias_hh.value());
    tg::nn::init::zeros_(head->bias().value());
  }

  /// inputs [T, N, 2] -> predictions [N, 1]
  tg::Var forward(const tg::Var& inputs) const {
    tg::Var h_last = tg::squeeze(rnn->forward(inputs).h_n, 0);  // [N, H]
    return head->forward(h_last);
  }
};

tg::optim::TransformPtr make_chain(const AdditionOptions& o) {
  using namespace tg::optim;
  switch (o.cure) {
    case Cure::clip: return chain(clip_by_global_norm(o.clip), scale_by_learning_rate(o.lr));
    case Cure::skip_nonfinite: return chain(skip_nonfinite(o.skip_budget), scale_by_learning_rate(o.lr));
    case Cure::agc: return chain(adaptive_clip(o.agc), scale_by_learning_rate(o.lr));
    case Cure::none:
    case Cure::l2: break;
  }
  return chain(scale_by_learning_rate(o.lr));
}

bool finite_parameters(const tg::nn::Module& model) {
  for (const tg::Var& p : model.parameters())
    if (!std::isfinite(tg::sum(p.value()).item())) return false;
  return true;
}

}  // namespace

AdditionRun run_addition(const AdditionOptions& o) {
  tg::Generator init_gen(o.seed), data_gen(o.seed + 1), test_gen(o.seed + 1'000'003);
  Irnn model(o.hidden, init_gen);
  tg::optim::Optimizer opt(model.named_parameters(), make_chain(o));
  const tg::data::Dataset test = tg::data::addition_problem({.length = o.length, .count = o.test_count}, test_gen);

  AdditionRun run;
  run.test_baseline = tg::mean(tg::square(tg::sub(test.targets, 1.0))).item();
  for (std::int64_t step = 0; step < o.steps; ++step) {
    const tg::data::Dataset batch = tg::data::addition_problem({.length = o.length, .count = o.batch}, data_gen);
    tg::Var mse = tg::nn::mse_loss(model.forward(tg::Var(batch.inputs)), tg::Var(batch.targets));
    tg::Var loss = o.cure == Cure::l2 ? mse + tg::nn::l2(tg::nn::weights_only(model), o.l2) : mse;
    opt.zero_grad();
    loss.backward();
    tg::optim::StepReport r;
    try {
      r = opt.step();
    } catch (const tg::Error& e) {  // skip_nonfinite gave up: every step is non-finite now
      run.diverged = true;
      run.stop_reason = e.what();
      break;
    }
    run.loss.push_back(mse.item());
    run.grad_norm.push_back(r.grad_norm);
    if (std::isfinite(r.grad_norm)) run.max_grad_norm = std::max(run.max_grad_norm, r.grad_norm);
    run.clipped_steps += r.clipped;
    run.skipped_steps += r.skipped;
    run.steps_done = step + 1;
    if (!std::isfinite(mse.item()) && o.cure != Cure::skip_nonfinite) {
      run.diverged = true;
      run.stop_reason = "loss became non-finite at step " + std::to_string(step);
      break;
    }
  }
  if (!finite_parameters(model)) run.diverged = true;
  tg::NoGradGuard no_grad;
  run.test_mse = run.diverged ? std::nan("")
                              : tg::nn::mse_loss(model.forward(tg::Var(test.inputs)), tg::Var(test.targets)).item();
  return run;
}

}  // namespace demos
