// bench/bench_autodiff.cpp — what the tape costs, next to libtorch.
//
// Per-op overhead: a chain of 10,000 multiplications of one-element (0-d)
// tensors, y = y * c, timed three ways:
//   no-grad forward      ops run under NoGradGuard: the price of dispatch and
//                        of allocating each result;
//   recorded forward     the same with requires_grad: plus one tape node per op;
//   forward + backward   recorded forward, then backward through all 10,000 nodes.
// The numbers are microseconds per op (median of several runs). Built with
// -Dtorch=enabled (needs Debian's libtorch-dev), the same workloads run in
// libtorch in the same process and the last column is tapegrad / libtorch
// (below 1: tapegrad is faster).
//
//   bench_autodiff [--quick]
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "tensor/creation.hpp"
#include "tensor/parallel.hpp"
#include "timing.hpp"

#ifdef TG_BENCH_TORCH
#include <torch/torch.h>
#endif

namespace {

using tg::bench::Settings;
using tg::bench::time_per_call;

constexpr int kOps = 10000;

struct Row {
  std::string name;
  std::function<void()> ours;
  std::function<void()> theirs;  // empty without libtorch
};

std::vector<Row> per_op_rows() {
  std::vector<Row> rows;
  const tg::Var c(tg::scalar(1.0001f));
  rows.push_back({"no-grad forward",
                  [c] {
                    tg::NoGradGuard no_grad;
                    tg::Var y(tg::scalar(1.0f));
                    for (int i = 0; i < kOps; ++i) y = y * c;
                  },
                  {}});
  rows.push_back({"recorded forward",
                  [c] {
                    tg::Var y(tg::scalar(1.0f), true);
                    for (int i = 0; i < kOps; ++i) y = y * c;
                  },
                  {}});
  rows.push_back({"forward + backward",
                  [c] {
                    tg::Var x(tg::scalar(1.0f), true);
                    tg::Var y = x;
                    for (int i = 0; i < kOps; ++i) y = y * c;
                    y.backward();
                  },
                  {}});
#ifdef TG_BENCH_TORCH
  const torch::Tensor tc = torch::full({}, 1.0001f);
  rows[0].theirs = [tc] {
    torch::NoGradGuard no_grad;
    torch::Tensor y = torch::ones({});
    for (int i = 0; i < kOps; ++i) y = y * tc;
  };
  rows[1].theirs = [tc] {
    torch::Tensor y = torch::ones({}, torch::requires_grad());
    for (int i = 0; i < kOps; ++i) y = y * tc;
  };
  rows[2].theirs = [tc] {
    torch::Tensor x = torch::ones({}, torch::requires_grad());
    torch::Tensor y = x;
    for (int i = 0; i < kOps; ++i) y = y * tc;
    y.backward();
  };
#endif
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  if (argc > 1 && std::strcmp(argv[1], "--quick") == 0) s.reps = 3;
  tg::set_num_threads(1);
#ifdef TG_BENCH_TORCH
  torch::set_num_threads(1);
#endif
  std::printf("Per-op overhead, 0-d f32 tensors, chain of %d multiplications, 1 thread\n", kOps);
  std::printf("%-22s %14s %14s %8s\n", "", "tapegrad us/op", "libtorch us/op", "ratio");
  for (const Row& row : per_op_rows()) {
    const double ours = time_per_call(s, row.ours) / kOps * 1e6;
    if (row.theirs) {
      const double theirs = time_per_call(s, row.theirs) / kOps * 1e6;
      std::printf("%-22s %14.3f %14.3f %8.2f\n", row.name.c_str(), ours, theirs, ours / theirs);
    } else {
      std::printf("%-22s %14.3f %14s %8s\n", row.name.c_str(), ours, "-", "-");
    }
  }
  return 0;
}
