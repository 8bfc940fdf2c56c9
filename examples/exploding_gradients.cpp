// examples/exploding_gradients.cpp — exploding gradients, side by side with their cures.
//
// Four small experiments, each a function in examples/demos/ (read those
// files for the set-up and the references); this program runs them and
// prints what happened, one `result:` line per run:
//
//   1. the cliff (Pascanu et al. 2013): one recurrent unit, 50 steps. Plain
//      gradient descent steps onto a cliff of the loss and is thrown onto a
//      plateau; clipping the gradient norm keeps it on its way down.
//   2. the addition problem with a ReLU RNN (IRNN): without a cure the loss
//      blows up; clipping, the non-finite guard, an L2 node and AGC, each alone.
//   3. a deep ReLU MLP at initialisation: gradients explode or vanish with the
//      init gain; Kaiming's gain √2 keeps them flat. Here the cure is the
//      initialisation, not clipping (clipping rescales every layer alike).
//   4. Adam + L2 penalty node versus AdamW: with no data gradient, λ does
//      nothing under Adam + L2 and shrinks weights by (1 − lr·λ)^T under AdamW.
//
//   ./build/examples/exploding_gradients                # about two minutes
//   ./build/examples/exploding_gradients --quick        # shortened, for tests
//   ./build/examples/exploding_gradients --plot plots   # + PNGs (gnuplot) and a DOT graph
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "common/cli.hpp"
#include "demos/addition.hpp"
#include "demos/cliff.hpp"
#include "demos/decay.hpp"
#include "demos/deep_mlp.hpp"
#include "nn/linear.hpp"
#include "nn/rnn_cell.hpp"
#include "tensor/creation.hpp"
#include "tensor/parallel.hpp"
#include "tensor/random.hpp"

namespace {

struct Config {
  bool quick = false;
  std::string plot, metrics;
  std::int64_t seed = 0, addition_steps = 10000;
  double addition_lr = 0.01;
  int threads = 1;
};

Config parse_flags(int argc, char** argv) {
  Config c;
  cli::Flags flags("exploding_gradients", "exploding gradients and their cures, side by side");
  flags.add("--quick", c.quick, "shortened runs (for tests)");
  flags.add("--plot", c.plot, "write PNG plots (needs gnuplot) and a DOT graph to this folder");
  flags.add("--metrics", c.metrics, "write every step of every run to this CSV file");
  flags.add("--addition-steps", c.addition_steps, "SGD steps per addition-problem run");
  flags.add("--addition-lr", c.addition_lr, "SGD learning rate of the addition problem");
  flags.add("--seed", c.seed, "seed of the addition problem's weights and data");
  flags.add("--threads", c.threads, "worker threads");
  flags.parse(argc, argv);
  if (c.quick) c.addition_steps = std::min<std::int64_t>(c.addition_steps, 2000);
  if (c.addition_steps < 1) tg::fail("exploding_gradients: --addition-steps must be >= 1");
  return c;
}

void write_steps(cli::Csv& csv, const std::string& demo, const std::string& variant,
                 const std::vector<double>& loss, const std::vector<double>& grad_norm) {
  for (std::size_t i = 0; i < loss.size(); ++i)
    csv.row({demo, variant, static_cast<std::int64_t>(i), loss[i], grad_norm[i]});
}

// ------------------------------------------------------------------- 1. cliff

struct CliffPair {
  demos::CliffRun plain, clipped;
};

CliffPair cliff(cli::Csv& csv) {
  std::cout << "\n== 1. the cliff: x_t = w·σ(x_{t-1}) + b, 50 steps, E = (σ(x_50) - 0.7)^2 ==\n";
  demos::CliffOptions options;  // gradient descent, lr 0.5, 3000 steps from (w, b) = (7.5, -6)
  CliffPair runs;
  for (double clip : {0.0, 1.0}) {
    options.clip = clip;
    demos::CliffRun run = demos::run_cliff(options);
    const std::string variant = clip > 0 ? "clipped" : "unclipped";
    std::cout << std::left << std::setw(10) << variant << " E " << run.loss.front() << " -> "
              << run.final_loss << ", largest gradient norm " << run.max_grad_norm << ", ended at (w, b) = ("
              << run.w << ", " << run.b << ")\n";
    cli::Result()
        .add("demo", "cliff").add("variant", variant).add("final_loss", run.final_loss)
        .add("max_grad_norm", run.max_grad_norm).add("clipped_steps", run.clipped_steps)
        .print();
    write_steps(csv, "cliff", variant, run.loss, run.grad_norm);
    (clip > 0 ? runs.clipped : runs.plain) = std::move(run);
  }
  return runs;
}

// ---------------------------------------------------------- 2. addition problem

std::vector<demos::AdditionRun> addition(const Config& c, cli::Csv& csv) {
  std::cout << "\n== 2. the addition problem, T = 50: ReLU RNN (32 units, identity W_hh), SGD lr "
            << c.addition_lr << ", " << c.addition_steps << " steps ==\n"
            << "baseline: always predicting 1 scores MSE 1/6 = " << 1.0 / 6.0 << "\n";
  std::vector<demos::AdditionRun> runs;
  for (demos::Cure cure : {demos::Cure::none, demos::Cure::clip, demos::Cure::skip_nonfinite,
                           demos::Cure::l2, demos::Cure::agc}) {
    cli::Stopwatch timer;
    demos::AdditionRun run = demos::run_addition(
        {.lr = c.addition_lr, .steps = c.addition_steps, .seed = static_cast<std::uint64_t>(c.seed), .cure = cure});
    std::cout << std::left << std::setw(15) << demos::cure_name(cure) << " test MSE " << std::setw(12)
              << run.test_mse << " largest finite gradient norm " << std::setw(12) << run.max_grad_norm
              << " clipped " << run.clipped_steps << ", skipped " << run.skipped_steps << " ("
              << run.steps_done << " steps, " << timer.seconds() << " s)"
              << (run.stop_reason.empty() ? "" : "\n    stopped: " + run.stop_reason) << "\n";
    cli::Result()
        .add("demo", "addition").add("variant", demos::cure_name(cure)).add("test_mse", run.test_mse)
        .add("baseline", run.baseline).add("diverged", run.diverged).add("max_grad_norm", run.max_grad_norm)
        .add("clipped_steps", run.clipped_steps).add("skipped_steps", run.skipped_steps)
        .add("steps", run.steps_done)
        .print();
    write_steps(csv, "addition", demos::cure_name(cure), run.loss, run.grad_norm);
    runs.push_back(std::move(run));
  }
  return runs;
}

// ------------------------------------------------------------- 3. deep MLP

void deep_mlp(const Config& c) {
  const std::int64_t depth = c.quick ? 20 : 30;
  std::cout << "\n== 3. a deep ReLU MLP at initialisation (depth " << depth
            << ", width 32, W ~ N(0, gain^2/32)): ||dL/dh_l|| by layer ==\n"
            << std::left << std::setw(8) << "gain";
  const std::vector<std::int64_t> shown{1, depth / 4, depth / 2, 3 * depth / 4, depth};
  for (std::int64_t l : shown) std::cout << std::setw(12) << ("layer " + std::to_string(l));
  std::cout << "first/last\n";
  for (double gain : {1.0, std::sqrt(2.0), 2.0}) {
    const demos::DeepMlpGradients g = demos::deep_mlp_gradients({.depth = depth, .gain = gain});
    std::cout << std::setw(8) << std::setprecision(4) << gain;
    for (std::int64_t l : shown) std::cout << std::setw(12) << g.activation_grad_norm[static_cast<std::size_t>(l - 1)];
    const double ratio = g.activation_grad_norm.front() / g.activation_grad_norm.back();
    std::cout << ratio << std::setprecision(6) << "\n";
    cli::Result()
        .add("demo", "deep_mlp").add("gain", gain).add("depth", depth).add("first_to_last", ratio)
        .add("total_grad_norm", g.total_grad_norm)
        .print();
  }
  std::cout << "(clipping divides every layer's gradient by the same number: first/last would not change)\n";
}

// ------------------------------------------------------- 4. Adam+L2 vs AdamW

void decay() {
  std::cout << "\n== 4. Adam + L2 node vs AdamW, no data gradient, lr 0.01, 50 steps: w_50 / w_0 ==\n";
  for (double lambda : {1e-3, 1e-1, 10.0}) {
    const demos::DecayRun run = demos::run_decay({.lambda = lambda});
    std::cout << "lambda " << std::setw(6) << lambda << "  Adam + L2 node " << std::setw(10) << run.adam_l2
              << "  AdamW " << std::setw(12) << run.adamw << "  (1 - lr·lambda)^50 = " << run.predicted_adamw << "\n";
    cli::Result()
        .add("demo", "decay").add("lambda", lambda).add("adam_l2", run.adam_l2).add("adamw", run.adamw)
        .add("predicted_adamw", run.predicted_adamw)
        .print();
  }
}

// ------------------------------------------------------------------ plots

/// One RNN step's graph, each edge labelled with the norm of its gradient.
std::string rnn_step_dot() {
  tg::Generator gen(0);
  tg::nn::RNNCell cell(2, 4, {.nonlinearity = tg::nn::RNNNonlinearity::relu, .generator = &gen});
  tg::nn::Linear head(4, 1, {.generator = &gen});
  tg::Var x = tg::Var(tg::rand({3, 2}, gen)).set_name("x_t");
  tg::Var h = tg::Var(tg::rand({3, 4}, gen)).set_name("h_{t-1}");
  tg::Var loss = tg::mean(tg::square(head(cell.forward(x, h)))).set_name("loss");
  {
    tg::GradNormGuard record_norms;
    loss.backward(tg::Tensor(), /*retain_graph=*/true);
  }
  return tg::to_dot(loss);
}

/// Columns of per-step values, as means over windows of `window` steps
/// (noisy mini-batch curves read better smoothed), one row per window.
void write_series(const std::string& path, const std::vector<const std::vector<double>*>& columns,
                  std::size_t window) {
  std::ofstream out(path);
  if (!out) tg::fail("exploding_gradients: cannot write ", path);
  out << "# step loss_unclipped loss_clipped gradnorm_unclipped gradnorm_clipped (means over " << window
      << " steps)\n";
  std::size_t length = 0;
  for (const auto* column : columns) length = std::max(length, column->size());
  for (std::size_t start = 0; start < length; start += window) {
    out << start;
    for (const auto* column : columns) {
      double sum = 0;
      std::size_t n = 0;
      for (std::size_t i = start; i < std::min(start + window, column->size()); ++i, ++n) sum += (*column)[i];
      out << " " << (n > 0 ? sum / static_cast<double>(n) : std::nan(""));
    }
    out << "\n";
  }
}

void plots(const std::string& dir, const CliffPair& cliff_runs, const std::vector<demos::AdditionRun>& add) {
  std::filesystem::create_directories(dir);
  write_series(dir + "/cliff.dat", {&cliff_runs.plain.loss, &cliff_runs.clipped.loss, &cliff_runs.plain.grad_norm,
                                    &cliff_runs.clipped.grad_norm}, 1);
  write_series(dir + "/addition.dat", {&add[0].loss, &add[1].loss, &add[0].grad_norm, &add[1].grad_norm}, 50);
  std::ofstream gp(dir + "/plots.gp");
  gp << "set terminal pngcairo size 900,360 font ',9'\nset logscale y\nset format y '10^{%L}'\n"
        "set key top right\nset xlabel 'step'\n"
     << "set output 'cliff.png'\nset multiplot layout 1,2 title 'the cliff: unclipped vs clipped (max norm 1)'\n"
        "set title 'loss E'\nplot 'cliff.dat' u 1:3 w l lw 2 t 'clipped', '' u 1:2 w l lw 2 dt 2 t 'unclipped'\n"
        "set title 'gradient norm (before clipping; 0 on the plateau)'\n"
        "plot 'cliff.dat' u 1:5 w l t 'clipped', '' u 1:4 w l dt 2 t 'unclipped'\n"
        "unset multiplot\n"
     << "set output 'addition.png'\nset multiplot layout 1,2 title 'addition problem T=50, IRNN (ReLU RNN, identity init), SGD'\n"
        "set title 'training MSE, mean of 50 steps (baseline 1/6)'\nset yrange [0.02:10]\n"
        "plot 'addition.dat' u 1:2 w l t 'unclipped', '' u 1:3 w l t 'clipped at 1', 1.0/6 w l dt 2 t 'baseline'\n"
        "set title 'gradient norm, mean of 50 steps'\nset autoscale y\nplot 'addition.dat' u 1:4 w l t 'unclipped', '' u 1:5 w l t 'clipped at 1'\n"
        "unset multiplot\n";
  gp.close();
  std::ofstream(dir + "/rnn_step.dot") << rnn_step_dot();
  std::cout << "\nwrote " << dir << "/{cliff,addition}.dat, plots.gp, rnn_step.dot"
            << " (render: dot -Tpng rnn_step.dot -o rnn_step.png)\n";
  if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) {
    std::cout << "gnuplot is not on PATH: no PNGs (apt-get install gnuplot-nox, then: cd " << dir
              << " && gnuplot plots.gp)\n";
    return;
  }
  const std::string command = "cd '" + dir + "' && gnuplot plots.gp";
  if (std::system(command.c_str()) != 0) tg::fail("exploding_gradients: '", command, "' failed");
  std::cout << "wrote " << dir << "/cliff.png, " << dir << "/addition.png\n";
}

int run(const Config& c) {
  tg::set_num_threads(c.threads);
  cli::Csv csv(c.metrics, {"demo", "variant", "step", "loss", "grad_norm"});
  const CliffPair cliff_runs = cliff(csv);
  const std::vector<demos::AdditionRun> add = addition(c, csv);
  deep_mlp(c);
  decay();
  if (!c.plot.empty()) plots(c.plot, cliff_runs, add);
  std::cout << "\n";
  cli::Result()
      .add("demo", "summary")
      .add("cliff_unclipped_loss", cliff_runs.plain.final_loss)
      .add("cliff_clipped_loss", cliff_runs.clipped.final_loss)
      .add("addition_unclipped_mse", add[0].test_mse)
      .add("addition_clipped_mse", add[1].test_mse)
      .add("addition_baseline", add[1].baseline)
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
