// examples/fashion_mnist.cpp — the flagship: a classifier for Fashion-MNIST.
//
// Ten kinds of clothing, 28 x 28 grey images, 60000 to train on and 10000 to
// test (Xiao, Rasul & Vollgraf 2017). Everything a real training run has is
// here, in the order it happens:
//
//   1. data: load, standardise with the *training* statistics, batch;
//   2. model: an MLP 784-256-128-10 with ReLU (or, with --cnn, a small CNN);
//   3. loss: softmax cross-entropy, plus optional L2 / L1 *penalty nodes* —
//      ordinary terms of the graph, so their gradient comes from backward();
//   4. optimizer: a chain of small transforms you can read in one line —
//      skip non-finite steps, clip the global norm, momentum or Adam,
//      decoupled weight decay, learning rate (cosine schedule by default);
//   5. each epoch: train, then evaluate on the test set without recording a tape.
//
//   ./build/examples/fashion_mnist                          # defaults: ~88-89% in 10 epochs
//   ./build/examples/fashion_mnist --epochs 2 --lr 0.1 --wd 5e-4 --clip 1 --schedule constant
//   ./build/examples/fashion_mnist --opt adamw --lr 1e-3 --wd 1e-2 --metrics run.csv
//   ./build/examples/fashion_mnist --limit 500 --epochs 3    # a smoke test in seconds
//
// The data comes from Debian's dataset-fashion-mnist package
// (/usr/share/datasets/fashion-mnist) or any folder holding the four IDX files (--data).
#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "common/cli.hpp"
#include "data/data.hpp"
#include "nn/checkpoint.hpp"
#include "nn/losses.hpp"
#include "nn/nn.hpp"
#include "nn/regularizers.hpp"
#include "optim/optim.hpp"
#include "tensor/parallel.hpp"
#include "tensor/reduce.hpp"
#include "tensor/elementwise.hpp"

namespace {

struct Config {
  std::string data = tg::data::fashion_mnist_default_dir();
  std::string hidden = "256,128";  // MLP hidden widths
  bool cnn = false;
  std::int64_t epochs = 10, batch = 128, limit = -1, test_limit = -1;
  std::string opt = "sgd", schedule = "cosine";
  double lr = 0.05, momentum = 0.9, wd = 5e-4, clip = 0, l2 = 0, l1 = 0;
  std::int64_t seed = 0;
  int threads = 2;
  std::string save, metrics;
};

Config parse_flags(int argc, char** argv) {
  Config c;
  cli::Flags flags("fashion_mnist", "train an MLP (or --cnn) on Fashion-MNIST");
  flags.add("--data", c.data, "folder with the four IDX files");
  flags.add("--epochs", c.epochs, "passes over the training set");
  flags.add("--batch", c.batch, "mini-batch size");
  flags.add("--opt", c.opt, "optimizer: sgd (with --momentum) or adamw");
  flags.add("--lr", c.lr, "learning rate");
  flags.add("--momentum", c.momentum, "SGD momentum (0: plain SGD)");
  flags.add("--schedule", c.schedule, "learning rate: constant, or cosine (decays to 0 over the run)");
  flags.add("--wd", c.wd, "decoupled weight decay λ: w -= lr·λ·w (weights only)");
  flags.add("--clip", c.clip, "clip the global gradient norm to this (0: off)");
  flags.add("--l2", c.l2, "L2 penalty node (λ/2)·Σw² added to the loss (0: off)");
  flags.add("--l1", c.l1, "L1 penalty node λ·Σ|w| added to the loss (0: off)");
  flags.add("--hidden", c.hidden, "MLP hidden widths, comma-separated");
  flags.add("--cnn", c.cnn, "a small CNN (conv-relu-pool x2 + linear) instead of the MLP");
  flags.add("--limit", c.limit, "train on the first N images only (-1: all)");
  flags.add("--test-limit", c.test_limit, "test on the first N images only (-1: all)");
  flags.add("--seed", c.seed, "seed for the initial weights and the shuffling");
  flags.add("--threads", c.threads, "worker threads");
  flags.add("--save", c.save, "write the trained model to this safetensors file");
  flags.add("--metrics", c.metrics, "write one CSV row per epoch to this file");
  flags.parse(argc, argv);
  if (c.opt != "sgd" && c.opt != "adamw")
    tg::fail("fashion_mnist: --opt must be sgd or adamw, got '", c.opt, "'");
  if (c.schedule != "constant" && c.schedule != "cosine")
    tg::fail("fashion_mnist: --schedule must be constant or cosine, got '", c.schedule, "'");
  if (c.epochs < 1 || c.batch < 1) tg::fail("fashion_mnist: --epochs and --batch must be >= 1");
  return c;
}

// ---------------------------------------------------------------- models

std::vector<std::int64_t> parse_widths(const std::string& text) {
  std::vector<std::int64_t> widths;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    const long long w = std::atoll(item.c_str());
    if (w < 1) tg::fail("fashion_mnist: --hidden expects positive widths like 256,128, got '", text, "'");
    widths.push_back(w);
  }
  return widths;
}

/// Flatten, then Linear-ReLU for each hidden width, then Linear to 10 logits.
std::shared_ptr<tg::nn::Sequential> make_mlp(const std::vector<std::int64_t>& hidden, tg::Generator& gen) {
  auto mlp = std::make_shared<tg::nn::Sequential>();
  mlp->push_back(std::make_shared<tg::nn::Flatten>());  // [N, 28, 28] -> [N, 784]
  std::int64_t in = 28 * 28;
  for (std::int64_t width : hidden) {
    mlp->push_back(std::make_shared<tg::nn::Linear>(in, width, tg::nn::LinearOptions{.generator = &gen}));
    mlp->push_back(std::make_shared<tg::nn::ReLU>());
    in = width;
  }
  mlp->push_back(std::make_shared<tg::nn::Linear>(in, 10, tg::nn::LinearOptions{.generator = &gen}));
  return mlp;
}

/// [N, 28, 28] -> [N, 1, 28, 28]: the channel axis a convolution expects.
struct AddChannel : tg::nn::UnaryModule {
  tg::Var forward(const tg::Var& x) override { return tg::unsqueeze(x, 1); }
};

/// conv(1->16, 3x3) relu pool2 -> conv(16->32, 3x3) relu pool2 -> linear(32*7*7 -> 10).
std::shared_ptr<tg::nn::Sequential> make_cnn(tg::Generator& gen) {
  auto conv = [&](std::int64_t in, std::int64_t out) {
    return std::make_shared<tg::nn::Conv2d>(tg::nn::Conv2dOptions{
        .in_channels = in, .out_channels = out, .kernel_size = 3, .padding = 1, .generator = &gen});
  };
  return std::make_shared<tg::nn::Sequential>(
      std::make_shared<AddChannel>(),
      conv(1, 16), std::make_shared<tg::nn::ReLU>(), std::make_shared<tg::nn::MaxPool2d>(2),   // 16x14x14
      conv(16, 32), std::make_shared<tg::nn::ReLU>(), std::make_shared<tg::nn::MaxPool2d>(2),  // 32x7x7
      std::make_shared<tg::nn::Flatten>(),
      std::make_shared<tg::nn::Linear>(32 * 7 * 7, 10, tg::nn::LinearOptions{.generator = &gen}));
}

// ------------------------------------------------------------- optimizer

/// The optimizer as a chain of transforms, in the order they touch the gradient.
tg::optim::TransformPtr make_optimizer_chain(const Config& c, std::int64_t total_steps) {
  using namespace tg::optim;
  std::vector<TransformPtr> steps;
  steps.push_back(skip_nonfinite(10));  // a NaN/Inf gradient: skip the step, change nothing
  if (c.clip > 0) steps.push_back(clip_by_global_norm(c.clip));
  if (c.opt == "adamw")
    steps.push_back(scale_by_adam());
  else if (c.momentum > 0)
    steps.push_back(momentum(c.momentum));
  if (c.wd > 0) steps.push_back(decoupled_weight_decay(c.wd));  // weights only (decay_mask())
  steps.push_back(scale_by_learning_rate(c.schedule == "cosine" ? cosine_decay(c.lr, total_steps) : constant(c.lr)));
  return std::make_unique<Chain>(std::move(steps));
}

// ------------------------------------------------------ train and evaluate

struct EpochStats {
  double loss = 0;  // mean data loss (cross-entropy only) over the epoch's batches
  double grad_norm = 0;  // global gradient norm of the last step
  std::int64_t clipped = 0, skipped = 0;
};

/// The whole objective for one batch: cross-entropy plus the penalty nodes.
struct Objective {
  tg::Var data, total;
};

Objective objective(tg::nn::Sequential& model, const tg::data::Batch& batch, const Config& c) {
  Objective o;
  o.data = tg::nn::cross_entropy(model(tg::Var(batch.inputs)), batch.targets);
  o.total = o.data;
  if (c.l2 > 0) o.total = o.total + tg::nn::l2(tg::nn::weights_only(model), c.l2);
  if (c.l1 > 0) o.total = o.total + tg::nn::l1(tg::nn::weights_only(model), c.l1);
  return o;
}

EpochStats train_epoch(tg::nn::Sequential& model, tg::optim::Optimizer& opt,
                       const tg::data::DataLoader& loader, std::int64_t epoch, const Config& c) {
  model.train();
  EpochStats s;
  cli::Progress progress("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(c.epochs),
                         loader.num_batches());
  std::int64_t done = 0;
  for (const tg::data::Batch& batch : loader.epoch(epoch)) {
    Objective o = objective(model, batch, c);
    opt.zero_grad();
    o.total.backward();
    const tg::optim::StepReport r = opt.step();
    s.loss += o.data.item();
    s.grad_norm = r.grad_norm;
    s.clipped += r.clipped;
    s.skipped += r.skipped;
    std::ostringstream extra;
    extra << "loss " << s.loss / static_cast<double>(++done);
    progress.update(done, extra.str());
  }
  progress.finish();
  s.loss /= static_cast<double>(done);
  return s;
}

/// Test accuracy and mean loss, in batches, with no tape recorded.
std::pair<double, double> evaluate(tg::nn::Sequential& model, const tg::data::Dataset& test) {
  tg::NoGradGuard no_grad;
  model.eval();
  tg::data::DataLoader loader(test, 1000);
  double correct = 0, loss = 0;
  for (const tg::data::Batch& batch : loader.epoch(0)) {
    tg::Var logits = model(tg::Var(batch.inputs));
    const auto n = static_cast<double>(batch.targets.numel());
    loss += tg::nn::cross_entropy(logits, batch.targets).item() * n;
    correct += tg::sum(tg::eq(tg::argmax(logits.value(), 1), batch.targets)).item();
  }
  const auto n = static_cast<double>(test.size());
  return {correct / n, loss / n};
}

double weight_norm(const tg::nn::Module& model) {
  double sq = 0;
  for (const auto& p : tg::nn::weights_only(model)) sq += std::pow(tg::norm(p.var.value()).item(), 2);
  return std::sqrt(sq);
}

/// Images [N, 28, 28] in [0, 1], standardised with the *training* set's mean and std.
std::pair<tg::data::Dataset, tg::data::Dataset> load_data(const Config& c) {
  tg::data::Dataset train = tg::data::load_mnist(c.data, tg::data::Split::train, {.limit = c.limit});
  tg::data::Dataset test = tg::data::load_mnist(c.data, tg::data::Split::test, {.limit = c.test_limit});
  const tg::data::Stats stats = tg::data::mean_std(train.inputs);
  train.inputs = tg::data::normalize(train.inputs, stats.mean, stats.std);
  test.inputs = tg::data::normalize(test.inputs, stats.mean, stats.std);
  return {train, test};
}

int run(const Config& c) {
  tg::set_num_threads(c.threads);

  // 1. Data.
  const auto [train, test] = load_data(c);
  tg::data::DataLoader loader(train, c.batch, {.shuffle = true, .seed = static_cast<std::uint64_t>(c.seed)});

  // 2. Model.
  tg::Generator gen(static_cast<std::uint64_t>(c.seed));
  std::shared_ptr<tg::nn::Sequential> model = c.cnn ? make_cnn(gen) : make_mlp(parse_widths(c.hidden), gen);

  // 4. Optimizer (the loss, step 3, is built per batch in objective()).
  tg::optim::Optimizer opt(model->named_parameters(), make_optimizer_chain(c, c.epochs * loader.num_batches()));


  std::cout << "fashion_mnist: " << (c.cnn ? "CNN" : "MLP 784-" + c.hidden + "-10") << ", "
            << train.size() << " training / " << test.size() << " test images, " << c.opt
            << " lr " << c.lr << " (" << c.schedule << "), " << c.threads << " threads\n";

  // 5. Train, evaluating after every epoch.
  cli::Csv csv(c.metrics, {"epoch", "train_loss", "test_loss", "test_accuracy", "grad_norm",
                           "clipped_steps", "skipped_steps", "seconds"});
  EpochStats last;
  double accuracy = 0, total_seconds = 0;
  std::int64_t clipped = 0, skipped = 0;
  for (std::int64_t epoch = 0; epoch < c.epochs; ++epoch) {
    cli::Stopwatch timer;
    last = train_epoch(*model, opt, loader, epoch, c);
    const double seconds = timer.seconds();  // training only, as seconds_per_epoch reports
    total_seconds += seconds;
    clipped += last.clipped;
    skipped += last.skipped;
    const auto [acc, test_loss] = evaluate(*model, test);
    accuracy = acc;
    std::cout << "epoch " << epoch + 1 << "/" << c.epochs << "  train_loss " << last.loss
              << "  test_loss " << test_loss << "  test_accuracy " << acc << "  clipped "
              << last.clipped << "  skipped " << last.skipped << "  " << seconds << " s" << std::endl;
    csv.row({epoch + 1, last.loss, test_loss, acc, last.grad_norm, last.clipped, last.skipped, seconds});
  }

  if (!c.save.empty()) {
    tg::nn::save(*model, c.save, {{"example", "fashion_mnist"}});
    std::cout << "saved " << c.save << "\n";
  }
  cli::Result()  // the last line: what scripts and tests read
      .add("test_accuracy", accuracy).add("train_loss", last.loss)
      .add("seconds_per_epoch", total_seconds / static_cast<double>(c.epochs))
      .add("clipped_steps", clipped).add("skipped_steps", skipped)
      .add("weight_norm", weight_norm(*model)).add("epochs", c.epochs)
      .print();
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
