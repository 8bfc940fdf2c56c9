// examples/regularization_ablation.cpp — what each regularizer does to the same model.
//
// The flagship MLP (784-256-128-10, ReLU, SGD with momentum 0.9 and a cosine
// learning-rate schedule) trained on Fashion-MNIST six times, from the same
// initial weights and in the same batch order, changing one thing at a time:
//
//   none            cross-entropy only
//   l2_node         + (λ/2)·Σw² as a node of the graph (nn::l2)
//   l1_node         + λ·Σ|w| as a node of the graph (nn::l1)
//   decoupled_decay w ← w − lr·λ·w in the optimizer (optim::decoupled_weight_decay)
//   clip            clip the global gradient norm (optim::clip_by_global_norm)
//   l2_node+clip    both
//
// Penalties and decay apply to weights only (nn::weights_only / decay_mask()),
// never to biases. The table shows test accuracy, the gradient norm (mean
// over the last epoch), the weights' norm and their sparsity — the fraction
// of weights with |w| < 1e-3. An L1 node drives weights towards 0 but plain
// (sub)gradient steps only make them oscillate around it; for exact zeros
// use a proximal step (optim::proximal_l1).
//
//   ./build/examples/regularization_ablation --epochs 3
//   ./build/examples/regularization_ablation --subset 5000 --epochs 5 --metrics ablation.csv
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "common/cli.hpp"
#include "data/data.hpp"
#include "nn/losses.hpp"
#include "nn/nn.hpp"
#include "nn/regularizers.hpp"
#include "optim/optim.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/parallel.hpp"
#include "tensor/reduce.hpp"

namespace {

struct Config {
  std::string data = tg::data::fashion_mnist_default_dir();
  std::int64_t epochs = 3, batch = 128, subset = -1, seed = 0;
  double lr = 0.05, momentum = 0.9;
  double l2 = 1e-3, l1 = 5e-5, wd = 1e-3, clip = 1.0;  // strength of each variant
  int threads = 2;
  std::string metrics;
};

Config parse_flags(int argc, char** argv) {
  Config c;
  cli::Flags flags("regularization_ablation", "the flagship MLP with each regularizer in turn");
  flags.add("--data", c.data, "folder with the four Fashion-MNIST IDX files");
  flags.add("--epochs", c.epochs, "passes over the training set, per variant");
  flags.add("--subset", c.subset, "train on the first N images only (-1: all)");
  flags.add("--batch", c.batch, "mini-batch size");
  flags.add("--lr", c.lr, "learning rate (SGD with momentum)");
  flags.add("--momentum", c.momentum, "momentum");
  flags.add("--l2", c.l2, "λ of the L2 node");
  flags.add("--l1", c.l1, "λ of the L1 node");
  flags.add("--wd", c.wd, "λ of the decoupled decay");
  flags.add("--clip", c.clip, "max global gradient norm of the clipping variants");
  flags.add("--seed", c.seed, "seed of the initial weights and the shuffling");
  flags.add("--threads", c.threads, "worker threads");
  flags.add("--metrics", c.metrics, "write one CSV row per variant and epoch to this file");
  flags.parse(argc, argv);
  if (c.epochs < 1 || c.batch < 1) tg::fail("regularization_ablation: --epochs and --batch must be >= 1");
  return c;
}

/// One row of the ablation: which terms join the loss, which transforms the chain.
struct Variant {
  std::string name;
  double l2 = 0, l1 = 0, wd = 0, clip = 0;
};

struct Outcome {
  double accuracy = 0, grad_norm = 0, weight_norm = 0, sparsity = 0, train_loss = 0;
};

std::shared_ptr<tg::nn::Sequential> make_mlp(std::uint64_t seed) {
  tg::Generator gen(seed);
  auto linear = [&](std::int64_t in, std::int64_t out) {
    return std::make_shared<tg::nn::Linear>(in, out, tg::nn::LinearOptions{.generator = &gen});
  };
  return std::make_shared<tg::nn::Sequential>(
      std::make_shared<tg::nn::Flatten>(), linear(784, 256), std::make_shared<tg::nn::ReLU>(),
      linear(256, 128), std::make_shared<tg::nn::ReLU>(), linear(128, 10));
}

/// SGD with momentum and a cosine learning-rate schedule (as fashion_mnist's
/// default), with the variant's clipping and decay.
tg::optim::TransformPtr make_chain(const Variant& v, const Config& c, std::int64_t total_steps) {
  using namespace tg::optim;
  std::vector<TransformPtr> steps;
  if (v.clip > 0) steps.push_back(clip_by_global_norm(v.clip));
  steps.push_back(momentum(c.momentum));
  if (v.wd > 0) steps.push_back(decoupled_weight_decay(v.wd));
  steps.push_back(scale_by_learning_rate(cosine_decay(c.lr, total_steps)));
  return std::make_unique<Chain>(std::move(steps));
}

double accuracy(tg::nn::Sequential& model, const tg::data::Dataset& test) {
  tg::NoGradGuard no_grad;
  model.eval();
  double correct = 0;
  const tg::data::DataLoader loader(test, 1000);  // named: epoch() refers to it while we iterate
  for (const tg::data::Batch& batch : loader.epoch(0)) {
    const tg::Tensor predicted = tg::argmax(model(tg::Var(batch.inputs)).value(), 1);
    correct += tg::sum(tg::eq(predicted, batch.targets)).item();
  }
  return correct / static_cast<double>(test.size());
}

/// Weight norm and the fraction of weights with |w| < 1e-3 (biases excluded).
std::pair<double, double> weight_stats(const tg::nn::Module& model) {
  double sq = 0, small = 0, count = 0;
  for (const auto& p : tg::nn::weights_only(model)) {
    const tg::Tensor& w = p.var.value();
    sq += tg::sum(tg::square(w)).item();
    small += tg::sum(tg::lt(tg::abs(w), 1e-3)).item();
    count += static_cast<double>(w.numel());
  }
  return {std::sqrt(sq), small / count};
}

Outcome train_variant(const Variant& v, const Config& c, const tg::data::DataLoader& loader,
                      const tg::data::Dataset& test, cli::Csv& csv) {
  std::shared_ptr<tg::nn::Sequential> model = make_mlp(static_cast<std::uint64_t>(c.seed));
  tg::optim::Optimizer opt(model->named_parameters(), make_chain(v, c, c.epochs * loader.num_batches()));
  Outcome out;
  for (std::int64_t epoch = 0; epoch < c.epochs; ++epoch) {
    model->train();
    cli::Progress progress(v.name + " epoch " + std::to_string(epoch + 1), loader.num_batches());
    double loss_sum = 0, norm_sum = 0;
    std::int64_t done = 0;
    for (const tg::data::Batch& batch : loader.epoch(epoch)) {
      tg::Var data_loss = tg::nn::cross_entropy((*model)(tg::Var(batch.inputs)), batch.targets);
      tg::Var loss = data_loss;
      if (v.l2 > 0) loss = loss + tg::nn::l2(tg::nn::weights_only(*model), v.l2);
      if (v.l1 > 0) loss = loss + tg::nn::l1(tg::nn::weights_only(*model), v.l1);
      opt.zero_grad();
      loss.backward();
      norm_sum += opt.step().grad_norm;
      loss_sum += data_loss.item();
      ++done;
      progress.update(done, "loss " + std::to_string(loss_sum / static_cast<double>(done)));
    }
    progress.finish();
    out.train_loss = loss_sum / static_cast<double>(done);
    out.grad_norm = norm_sum / static_cast<double>(done);
    out.accuracy = accuracy(*model, test);
    std::tie(out.weight_norm, out.sparsity) = weight_stats(*model);
    std::cout << v.name << " epoch " << epoch + 1 << ": train_loss " << out.train_loss << "  test_accuracy "
              << out.accuracy << std::endl;
    csv.row({v.name, epoch + 1, out.train_loss, out.accuracy, out.grad_norm, out.weight_norm, out.sparsity});
  }
  return out;
}

std::string number(double x, int precision) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(precision) << x;
  return os.str();
}

int run(const Config& c) {
  tg::set_num_threads(c.threads);
  tg::data::Dataset train = tg::data::load_mnist(c.data, tg::data::Split::train, {.limit = c.subset});
  tg::data::Dataset test = tg::data::load_mnist(c.data, tg::data::Split::test);
  const tg::data::Stats stats = tg::data::mean_std(train.inputs);
  train.inputs = tg::data::normalize(train.inputs, stats.mean, stats.std);
  test.inputs = tg::data::normalize(test.inputs, stats.mean, stats.std);
  const tg::data::DataLoader loader(train, c.batch, {.shuffle = true, .seed = static_cast<std::uint64_t>(c.seed)});

  const std::vector<Variant> variants{
      {.name = "none"},
      {.name = "l2_node", .l2 = c.l2},
      {.name = "l1_node", .l1 = c.l1},
      {.name = "decoupled_decay", .wd = c.wd},
      {.name = "clip", .clip = c.clip},
      {.name = "l2_node+clip", .l2 = c.l2, .clip = c.clip},
  };
  std::cout << "regularization_ablation: " << train.size() << " training images, " << c.epochs
            << " epochs per variant, SGD lr " << c.lr << " (cosine) momentum " << c.momentum << "\n";
  cli::Csv csv(c.metrics, {"variant", "epoch", "train_loss", "test_accuracy", "grad_norm", "weight_norm", "sparsity"});
  std::vector<Outcome> outcomes;
  for (const Variant& v : variants) outcomes.push_back(train_variant(v, c, loader, test, csv));

  std::cout << "\n| variant | setting | test accuracy | grad norm (last epoch) | weight norm | sparsity (\\|w\\| < 1e-3) |\n"
            << "|---|---|---:|---:|---:|---:|\n";
  const std::vector<std::string> settings{
      "-", "λ = " + number(c.l2, 4), "λ = " + number(c.l1, 5), "λ = " + number(c.wd, 4),
      "max norm " + number(c.clip, 1), "λ = " + number(c.l2, 4) + ", max norm " + number(c.clip, 1)};
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const Outcome& o = outcomes[i];
    std::cout << "| " << variants[i].name << " | " << settings[i] << " | " << number(100 * o.accuracy, 2)
              << "% | " << number(o.grad_norm, 3) << " | " << number(o.weight_norm, 2) << " | "
              << number(100 * o.sparsity, 2) << "% |\n";
  }
  std::cout << "\n";
  cli::Result result;
  for (std::size_t i = 0; i < variants.size(); ++i)
    result.add(variants[i].name + "_accuracy", outcomes[i].accuracy);
  result.add("l1_sparsity", outcomes[2].sparsity).add("none_sparsity", outcomes[0].sparsity).print();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_flags(argc, argv));
  } catch (const tg::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}
