// docs/snippets/grad_monitor.cpp — per-layer gradient norms over a training run.
//
//   grad_monitor [--csv grads.csv] [--png grads.png]
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "nn/grad_monitor.hpp"
#include "nn/linear.hpp"
#include "nn/losses.hpp"
#include "nn/sequential.hpp"
#include "nn/tanh.hpp"
#include "optim/optim.hpp"
#include "snippet_check.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/random.hpp"
#include "tensor/reduce.hpp"

namespace nn = tg::nn;
namespace optim = tg::optim;

int main(int argc, char** argv) {
  std::string csv, png;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--csv") == 0) csv = argv[i + 1];
    if (std::strcmp(argv[i], "--png") == 0) png = argv[i + 1];
  }

  // Three layers fitting y = tanh(x1 + x2 + x3 + x4) with plain SGD.
  auto model = std::make_shared<nn::Sequential>(
      std::make_shared<nn::Linear>(4, 32, nn::LinearOptions{.seed = 1}),
      std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Linear>(32, 32, nn::LinearOptions{.seed = 2}),
      std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Linear>(32, 1, nn::LinearOptions{.seed = 3}));
  tg::Generator gen(4);
  const tg::Tensor inputs = tg::randn({64, 4}, gen);
  const tg::Var x(inputs), y(tg::tanh(tg::sum(inputs, {1}, /*keepdim=*/true)));

  optim::Optimizer opt(model->named_parameters(), optim::sgd({.lr = 0.2}));
  nn::GradMonitor monitor(model->named_parameters(), {.csv_path = csv});
  for (std::int64_t step = 0; step < 200; ++step) {
    opt.zero_grad();
    nn::mse_loss((*model)(x), y).backward();
    const std::vector<double>& norms = monitor.record(step);  // after backward, before step
    const optim::StepReport report = opt.step();
    // The monitor's global norm is the one the optimizer measured.
    expect_close(norms.back(), report.grad_norm, 1e-6, "global norm agrees with StepReport");
  }

  std::printf("%-10s %12s %12s %12s\n", "parameter", "step 0", "step 20", "step 199");
  for (const std::string& name : monitor.names()) {
    const std::vector<double> s = monitor.series(name);
    std::printf("%-10s %12.4e %12.4e %12.4e\n", name.c_str(), s[0], s[20], s[199]);
  }
  expect(monitor.rows().size() == 200, "one row per step");
  if (!png.empty()) std::printf("plotted: %s\n", monitor.plot(png) ? png.c_str() : "no gnuplot");
  return 0;
}
