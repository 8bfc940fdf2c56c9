// bench/bench_tensor.cpp — how fast the tensor kernels run on this machine.
//
// Prints three tables:
//   1. GEMM GFLOP/s (2*M*N*K flops per call) for square sizes and for the
//      shapes of a 784-256-10 MLP's forward and backward passes, at 1 and 2
//      threads.
//   2. Elementwise and reduction bandwidth in GB/s: tg::add (reads a and b,
//      writes a fresh output: 3 arrays of traffic) and tg::sum (1 array).
//   3. A STREAM-triad-like plain C++ loop, a[i] = b[i] + s * c[i], as the
//      machine's reference bandwidth, so the ratios can be read in one run.
//
// Each number is the median of several repetitions after a warm-up; a
// repetition runs the operation enough times to last a few milliseconds.
//
//   bench_tensor            full run (about a minute)
//   bench_tensor --quick    fewer sizes and repetitions (a few seconds)
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/gemm.hpp"
#include "tensor/parallel.hpp"
#include "tensor/random.hpp"
#include "tensor/reduce.hpp"
#include "timing.hpp"

namespace {

using tg::bench::Settings;
using tg::bench::time_per_call;

struct GemmShape {
  std::int64_t M, N, K;
  const char* note;
};

void bench_gemm(const Settings& s, bool quick) {
  std::vector<GemmShape> shapes = {
      {64, 64, 64, "square"},        {128, 128, 128, "square"},
      {256, 256, 256, "square"},     {512, 512, 512, "square"},
      {1024, 1024, 1024, "square"},  {128, 256, 784, "MLP fc1 forward"},
      {128, 784, 256, "MLP fc1 grad input"}, {256, 784, 128, "MLP fc1 grad weight"},
      {128, 10, 128, "MLP fc3 forward"},     {128, 10, 256, "MLP fc2->10 forward"},
  };
  if (quick) shapes.erase(shapes.begin() + 4);  // skip 1024^3
  std::printf("GEMM, f32, C = A @ B (no transposes), GFLOP/s (median)\n");
  std::printf("%-20s %-22s %10s %10s\n", "M x N x K", "", "1 thread", "2 threads");
  tg::Generator gen(0);
  for (const GemmShape& g : shapes) {
    const tg::Tensor A = tg::randn({g.M, g.K}, gen), B = tg::randn({g.K, g.N}, gen);
    tg::Tensor C = tg::zeros({g.M, g.N});
    const float* a = A.data<float>();
    const float* b = B.data<float>();
    float* c = C.data<float>();
    const double flops = 2.0 * static_cast<double>(g.M * g.N * g.K);
    double gflops[2];
    for (int threads : {1, 2}) {
      tg::set_num_threads(threads);
      const double t = time_per_call(s, [&] {
        tg::gemm(false, false, g.M, g.N, g.K, 1.0f, a, g.K, b, g.N, 0.0f, c, g.N);
      });
      gflops[threads - 1] = flops / t * 1e-9;
    }
    const std::string dims =
        std::to_string(g.M) + "x" + std::to_string(g.N) + "x" + std::to_string(g.K);
    std::printf("%-20s %-22s %10.1f %10.1f\n", dims.c_str(), g.note, gflops[0], gflops[1]);
  }
  std::printf("\n");
}

// a[i] = b[i] + s * c[i] over n floats, split over `threads` threads.
void triad(float* a, const float* b, const float* c, float scale, std::int64_t n, int threads) {
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t i = 0; i < n; ++i) a[i] = b[i] + scale * c[i];
}

void bench_bandwidth(const Settings& s, bool quick) {
  std::vector<std::int64_t> sizes = {std::int64_t{1} << 20, std::int64_t{1} << 24};
  if (quick) sizes = {std::int64_t{1} << 20};
  std::printf("Memory-bound kernels, f32, GB/s (median)\n");
  std::printf("%-34s %10s %10s %10s\n", "kernel", "floats", "1 thread", "2 threads");
  tg::Generator gen(1);
  for (std::int64_t n : sizes) {
    const tg::Tensor a = tg::randn({n}, gen), b = tg::randn({n}, gen);
    std::vector<float> ta(n), tb(n, 1.0f), tc(n, 2.0f);
    const double bytes = 4.0 * static_cast<double>(n);
    struct Row {
      const char* name;
      double arrays;  // arrays of traffic per call
      std::function<void(int)> run;
    };
    const std::vector<Row> rows = {
        {"tg::add(a, b) (3 arrays)", 3, [&](int) { tg::add(a, b); }},
        {"tg::sum(a) (1 array)", 1, [&](int) { tg::sum(a); }},
        {"triad a=b+s*c, plain loop (3 arrays)", 3,
         [&](int threads) { triad(ta.data(), tb.data(), tc.data(), 0.5f, n, threads); }},
    };
    for (const Row& row : rows) {
      double gbs[2];
      for (int threads : {1, 2}) {
        tg::set_num_threads(threads);
        const double t = time_per_call(s, [&] { row.run(threads); });
        gbs[threads - 1] = row.arrays * bytes / t * 1e-9;
      }
      std::printf("%-34s %10lld %10.1f %10.1f\n", row.name, static_cast<long long>(n), gbs[0],
                  gbs[1]);
    }
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else {
      std::fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
      return 2;
    }
  }
  Settings s;
  if (quick) {
    s.reps = 3;
    s.min_rep_s = 0.005;
  }
  std::printf("tapegrad bench_tensor%s: %d OpenMP threads available\n\n",
              quick ? " --quick" : "", omp_get_max_threads());
  bench_gemm(s, quick);
  bench_bandwidth(s, quick);
  return 0;
}
