// bench/bench_train.cpp — what a real training step costs, next to libtorch.
//
// The workload is the flagship model (examples/fashion_mnist.cpp): an MLP
// 784-256-128-10 with ReLU, softmax cross-entropy, and the optimizer
//   clip the global gradient norm to 1.0, coupled L2 5e-4 (torch's SGD
//   weight_decay), momentum 0.9, learning rate 0.05
// applied to every parameter, as torch.optim.SGD + clip_grad_norm_ do.
// Two tables:
//   training step   zero_grad + forward + loss + backward + optimizer step
//                   on one fixed batch of 1, 16 and 128 images (median of
//                   several runs, microseconds per step);
//   epoch           one shuffled pass over the 60,000 Fashion-MNIST training
//                   images at batch 128 (469 steps, batch gathering included),
//                   from a fresh model, then the test accuracy; with 1 and 2
//                   threads (median of --epoch-reps runs, seconds).
// Built with -Dtorch=enabled (needs Debian's libtorch-dev), the same work runs
// in libtorch (torch::nn::Linear, torch::optim::SGD, clip_grad_norm_) in the
// same process, on the same batches in the same order, and the ratio column
// is tapegrad / libtorch (below 1: tapegrad is faster). Initial weights use
// the same scheme (PyTorch's Linear init) from different random streams.
//
//   bench_train [--quick] [--only tapegrad|libtorch] [--epoch-only | --steps-only]
//               [--threads N] [--epoch-reps R] [--data DIR] [--batch B]
//               [--breakdown [--breakdown-steps N]]
//
// --batch B times the training step at batch B only. --breakdown prints, instead
// of the tables, where one tapegrad step spends its time: zero_grad, forward +
// loss, backward, optimizer step, each the median of N steps (default 3000,
// 1 thread), with the benchmark's SGD chain and with clip + AdamW; a long run
// of it is also a clean target for `perf record`.
//
// For peak memory, run one framework's epoch alone under /usr/bin/time -v:
//   /usr/bin/time -v build-perf/bench/bench_train --only tapegrad --epoch-only --epoch-reps 1
// (see bench/README.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "data/data.hpp"
#include "nn/losses.hpp"
#include "nn/nn.hpp"
#include "optim/optim.hpp"
#include "tensor/creation.hpp"
#include "tensor/indexing.hpp"
#include "tensor/parallel.hpp"
#include "tensor/random.hpp"
#include "tensor/reduce.hpp"
#include "timing.hpp"

#ifdef TG_BENCH_TORCH
#include <torch/torch.h>
#endif

namespace {

using tg::bench::Settings;
using tg::bench::time_per_call;
using Clock = std::chrono::steady_clock;

constexpr double kLr = 0.05, kMomentum = 0.9, kWeightDecay = 5e-4, kClip = 1.0;

struct Options {
  bool quick = false, epoch_only = false, steps_only = false, ours = true, theirs = true;
  int threads = 0;  // 0: both 1 and 2
  int epoch_reps = 3;
  std::int64_t batch = 0;  // 0: batch 1, 16 and 128
  bool breakdown = false;
  int breakdown_steps = 3000;
  std::string data = tg::data::fashion_mnist_default_dir();
};

// ------------------------------------------------------------ tapegrad

struct OurMlp {
  tg::nn::Linear fc1{784, 256}, fc2{256, 128}, fc3{128, 10};
  tg::nn::ParameterList params;
  std::unique_ptr<tg::optim::Optimizer> opt;

  // adamw: clip + AdamW (lr 1e-3, decay 1e-2) instead of clip + SGD, for --breakdown only.
  explicit OurMlp(bool adamw = false) {
    for (tg::nn::Linear* fc : {&fc1, &fc2, &fc3})
      for (auto p : fc->named_parameters()) {
        p.name = std::to_string(params.size()) + "." + p.name;
        params.push_back(p);
      }
    using namespace tg::optim;
    opt = std::make_unique<Optimizer>(
        params, adamw ? chain(clip_by_global_norm(kClip), tg::optim::adamw({.lr = 1e-3, .weight_decay = 1e-2}))
                      : chain(clip_by_global_norm(kClip), add_l2_to_grad(kWeightDecay),
                              momentum(kMomentum), scale_by_learning_rate(kLr)));
  }
  tg::Var forward(const tg::Var& x) { return fc3(tg::relu(fc2(tg::relu(fc1(x))))); }
  void step(const tg::Tensor& x, const tg::Tensor& y) {
    opt->zero_grad();
    tg::nn::cross_entropy(forward(tg::Var(x)), y).backward();
    opt->step();
  }
  double accuracy(const tg::data::Dataset& test) {
    tg::NoGradGuard no_grad;
    const tg::Tensor pred = tg::argmax(forward(tg::Var(test.inputs)).value(), 1);
    const std::vector<std::int64_t> p = pred.to_vector<std::int64_t>();
    const std::vector<std::int64_t> t = test.targets.to_vector<std::int64_t>();
    std::int64_t hits = 0;
    for (std::size_t i = 0; i < p.size(); ++i) hits += p[i] == t[i];
    return double(hits) / double(p.size());
  }
};

// ------------------------------------------------------------ libtorch

#ifdef TG_BENCH_TORCH
torch::Tensor to_torch(const tg::Tensor& t) {
  std::vector<std::int64_t> shape(t.shape().begin(), t.shape().end());
  const tg::Tensor c = t.contiguous();
  if (c.dtype() == tg::DType::i64)
    return torch::from_blob(c.data<std::int64_t>(), shape, torch::kInt64).clone();
  return torch::from_blob(c.data<float>(), shape, torch::kFloat32).clone();
}

struct TheirMlp {
  torch::nn::Linear fc1{784, 256}, fc2{256, 128}, fc3{128, 10};
  std::vector<torch::Tensor> params;
  std::unique_ptr<torch::optim::SGD> opt;

  TheirMlp() {
    for (auto* fc : {&fc1, &fc2, &fc3})
      for (auto& p : (*fc)->parameters()) params.push_back(p);
    opt = std::make_unique<torch::optim::SGD>(
        params, torch::optim::SGDOptions(kLr).momentum(kMomentum).weight_decay(kWeightDecay));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return fc3(torch::relu(fc2(torch::relu(fc1(x)))));
  }
  void step(const torch::Tensor& x, const torch::Tensor& y) {
    opt->zero_grad();
    torch::nn::functional::cross_entropy(forward(x), y).backward();
    torch::nn::utils::clip_grad_norm_(params, kClip);
    opt->step();
  }
  double accuracy(const torch::Tensor& x, const torch::Tensor& y) {
    torch::NoGradGuard no_grad;
    return forward(x).argmax(1).eq(y).to(torch::kFloat64).mean().item<double>();
  }
};
#endif

void set_threads(int n) {
  tg::set_num_threads(n);
#ifdef TG_BENCH_TORCH
  torch::set_num_threads(n);
#endif
}

void ratio_or_dash(double ours, double theirs, char* buf) {
  if (ours > 0 && theirs > 0) std::snprintf(buf, 16, "%8.2f", ours / theirs);
  else std::snprintf(buf, 16, "%8s", "-");
}

void print_row(const char* label, double ours, double theirs, const char* fmt_unit) {
  char r[16];
  ratio_or_dash(ours, theirs, r);
  auto cell = [&](double v, char* out) {
    if (v > 0) std::snprintf(out, 24, fmt_unit, v);
    else std::snprintf(out, 24, "%14s", "-");
  };
  char a[24], b[24];
  cell(ours, a);
  cell(theirs, b);
  std::printf("%-22s %s %s %s\n", label, a, b, r);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// ------------------------------------------------------ training step table

void step_table(const Options& o, const tg::data::Dataset& train) {
  Settings s;
  s.reps = o.quick ? 3 : 7;
  set_threads(1);
  std::printf("One training step (zero_grad, forward, cross-entropy, backward, clip + SGD), 1 thread\n");
  std::printf("%-22s %14s %14s %8s\n", "", "tapegrad us", "libtorch us", "ratio");
  const std::vector<std::int64_t> batches =
      o.batch > 0 ? std::vector<std::int64_t>{o.batch} : std::vector<std::int64_t>{1, 16, 128};
  for (std::int64_t batch : batches) {
    const tg::Tensor x = train.inputs.narrow(0, 0, batch).contiguous();
    const tg::Tensor y = train.targets.narrow(0, 0, batch).contiguous();
    double ours = 0, theirs = 0;
    if (o.ours) {
      OurMlp m;
      ours = time_per_call(s, [&] { m.step(x, y); }) * 1e6;
    }
#ifdef TG_BENCH_TORCH
    if (o.theirs) {
      TheirMlp m;
      const torch::Tensor tx = to_torch(x), ty = to_torch(y);
      theirs = time_per_call(s, [&] { m.step(tx, ty); }) * 1e6;
    }
#endif
    const std::string label = "batch " + std::to_string(batch);
    print_row(label.c_str(), ours, theirs, "%14.1f");
  }
}

// ------------------------------------------------------ step breakdown

// Median microseconds of each phase of m.step(), over many steps: a profile
// that needs no profiler, and resists the noise of a shared machine.
void breakdown_table(const Options& o, const tg::data::Dataset& train) {
  set_threads(1);
  const int kSteps = o.breakdown_steps;
  std::printf("Where one tapegrad training step goes (median us of %d steps, 1 thread)\n", kSteps);
  std::printf("%-16s %10s %10s %10s %10s %10s\n", "", "zero_grad", "fwd+loss", "backward",
              "opt.step", "total");
  const std::vector<std::int64_t> batches =
      o.batch > 0 ? std::vector<std::int64_t>{o.batch} : std::vector<std::int64_t>{1, 16, 128};
  for (std::int64_t batch : batches)
    for (bool adamw : {false, true}) {
      const tg::Tensor x = train.inputs.narrow(0, 0, batch).contiguous();
      const tg::Tensor y = train.targets.narrow(0, 0, batch).contiguous();
      OurMlp m(adamw);
      std::vector<double> phase[5];
      for (int s = 0; s < kSteps + 100; ++s) {
        const auto t0 = Clock::now();
        m.opt->zero_grad();
        const auto t1 = Clock::now();
        tg::Var loss = tg::nn::cross_entropy(m.forward(tg::Var(x)), y);
        const auto t2 = Clock::now();
        loss.backward();
        const auto t3 = Clock::now();
        m.opt->step();
        const auto t4 = Clock::now();
        if (s < 100) continue;  // warm-up
        const auto us = [](auto a, auto b) { return std::chrono::duration<double, std::micro>(b - a).count(); };
        phase[0].push_back(us(t0, t1));
        phase[1].push_back(us(t1, t2));
        phase[2].push_back(us(t2, t3));
        phase[3].push_back(us(t3, t4));
        phase[4].push_back(us(t0, t4));
      }
      const std::string label = "batch " + std::to_string(batch) + (adamw ? " adamw" : "");
      std::printf("%-16s %10.1f %10.1f %10.1f %10.1f %10.1f\n", label.c_str(), median(phase[0]),
                  median(phase[1]), median(phase[2]), median(phase[3]), median(phase[4]));
    }
}

// ------------------------------------------------------------ epoch table

struct EpochResult {
  double seconds = 0, accuracy = 0;
};

EpochResult our_epoch(const tg::data::DataLoader& loader, const tg::data::Dataset& test) {
  OurMlp m;
  const auto t0 = Clock::now();
  for (const tg::data::Batch& b : loader.epoch(0)) m.step(b.inputs, b.targets);
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return {s, m.accuracy(test)};
}

#ifdef TG_BENCH_TORCH
struct TorchData {
  torch::Tensor x, y, order, test_x, test_y;
};

EpochResult their_epoch(const TorchData& d, std::int64_t batch) {
  TheirMlp m;
  const std::int64_t n = d.x.size(0);
  const auto t0 = Clock::now();
  for (std::int64_t start = 0; start < n; start += batch) {
    const torch::Tensor rows = d.order.narrow(0, start, std::min(batch, n - start));
    m.step(d.x.index_select(0, rows), d.y.index_select(0, rows));
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return {s, m.accuracy(d.test_x, d.test_y)};
}
#endif

void epoch_table(const Options& o, const tg::data::Dataset& train, const tg::data::Dataset& test) {
  constexpr std::int64_t kBatch = 128;
  const tg::data::DataLoader loader(train, kBatch, {.shuffle = true, .seed = 0});
#ifdef TG_BENCH_TORCH
  TorchData d;
  if (o.theirs)
    d = {to_torch(train.inputs), to_torch(train.targets), to_torch(loader.order(0)),
         to_torch(test.inputs), to_torch(test.targets)};
#endif
  std::printf("\nOne Fashion-MNIST epoch (60000 images, batch %lld, shuffled), median of %d\n",
              static_cast<long long>(kBatch), o.epoch_reps);
  std::printf("%-22s %14s %14s %8s %10s %10s\n", "", "tapegrad s", "libtorch s", "ratio",
              "tg acc", "torch acc");
  std::vector<int> thread_counts = o.threads > 0 ? std::vector<int>{o.threads} : std::vector<int>{1, 2};
  for (int threads : thread_counts) {
    set_threads(threads);
    std::vector<double> ours, theirs;
    EpochResult last_ours, last_theirs;
    // Interleaved, so that a noisy neighbour hurts both sides alike.
    for (int r = 0; r < o.epoch_reps; ++r) {
      if (o.ours) ours.push_back((last_ours = our_epoch(loader, test)).seconds);
#ifdef TG_BENCH_TORCH
      if (o.theirs) theirs.push_back((last_theirs = their_epoch(d, kBatch)).seconds);
#endif
    }
    char r[16];
    ratio_or_dash(median(ours), median(theirs), r);
    const std::string label = std::to_string(threads) + (threads == 1 ? " thread" : " threads");
    std::printf("%-22s %14.3f %14.3f %s %9.2f%% %9.2f%%\n", label.c_str(), median(ours),
                median(theirs), r, 100 * last_ours.accuracy, 100 * last_theirs.accuracy);
  }
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) tg::fail("bench_train: ", a, " needs a value");
      return argv[++i];
    };
    if (a == "--quick") { o.quick = true; o.epoch_reps = 1; }
    else if (a == "--epoch-only") o.epoch_only = true;
    else if (a == "--steps-only") o.steps_only = true;
    else if (a == "--threads") o.threads = std::stoi(value());
    else if (a == "--epoch-reps") o.epoch_reps = std::max(1, std::stoi(value()));
    else if (a == "--data") o.data = value();
    else if (a == "--batch") o.batch = std::stoll(value());
    else if (a == "--breakdown") o.breakdown = true;
    else if (a == "--breakdown-steps") o.breakdown_steps = std::max(1, std::stoi(value()));
    else if (a == "--only") {
      const std::string who = value();
      if (who != "tapegrad" && who != "libtorch")
        tg::fail("bench_train: --only expects tapegrad or libtorch, got '", who, "'");
      o.ours = who == "tapegrad";
      o.theirs = who == "libtorch";
    } else {
      tg::fail("bench_train: unknown flag '", a,
               "'; flags: --quick --epoch-only --steps-only --only tapegrad|libtorch --threads N "
               "--epoch-reps R --data DIR --batch B --breakdown --breakdown-steps N");
    }
  }
#ifndef TG_BENCH_TORCH
  o.theirs = false;
#endif
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const tg::data::Dataset train = tg::data::load_mnist(o.data, tg::data::Split::train, {.flatten = true});
  const tg::data::Dataset test = tg::data::load_mnist(o.data, tg::data::Split::test, {.flatten = true});
  if (o.breakdown) {
    breakdown_table(o, train);
    return 0;
  }
  if (!o.epoch_only) step_table(o, train);
  if (!o.steps_only) epoch_table(o, train, test);
  return 0;
}
