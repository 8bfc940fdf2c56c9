// bench/bench_tensor.cpp — how fast the tensor kernels run, next to libtorch.
//
// Prints two tables for each thread count (1 and 2, or the one --threads names):
//   1. GEMM GFLOP/s (2*M*N*K flops per call), C = op(A) @ op(B) into a
//      preallocated C, for square sizes and for the shapes of a 784-256-10
//      MLP's forward and backward passes; the MLP shapes also run as A^T B and
//      A B^T, the products backward uses (transposed operands are read in
//      place by both frameworks).
//   2. Memory-bound kernels in GB/s: add with a fresh output each call (reads
//      a and b, writes the result: 3 arrays of traffic), add_ in place
//      (a += b, 3 arrays), sum (1 array), and a STREAM-triad-like plain C++
//      loop, a[i] = b[i] + s * c[i], as the machine's reference bandwidth.
// Built with -Dtorch=enabled (needs Debian's libtorch-dev), the same workloads
// run in libtorch in the same process on the same input values (torch::mm_out,
// torch::add, Tensor::add_, torch::sum). The ratio columns divide throughputs,
// tapegrad / libtorch and tapegrad / triad: above 1, tapegrad is faster.
// (bench_train and bench_autodiff divide times, so there below 1 is faster.)
// A GEMM row whose two results disagree is marked MISMATCH.
//
// Threads: tg::set_num_threads and torch::set_num_threads. Debian's libtorch
// calls the system BLAS (sgemm_), which torch::set_num_threads does not
// reach; when that BLAS is OpenBLAS (LD_LIBRARY_PATH, see bench/README.md),
// its openblas_set_num_threads is looked up at run time and set too, so one
// run can measure both thread counts. The header line says which BLAS it is.
//
// Each number is the median of several repetitions after a warm-up; a
// repetition runs the operation enough times to last a few milliseconds.
//
//   bench_tensor                 full run, 1 and 2 threads (about a minute)
//   bench_tensor --quick         fewer sizes and repetitions (a few seconds)
//   bench_tensor --threads N     only N threads
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

#ifdef TG_BENCH_TORCH
#include <dlfcn.h>
#include <torch/torch.h>
#include <torch/version.h>
#endif

namespace {

using tg::bench::Settings;
using tg::bench::time_per_call;

struct Options {
  bool quick = false;
  int threads = 0;  // 0: both 1 and 2
};

// ------------------------------------------------------------ threads

#ifdef TG_BENCH_TORCH
// OpenBLAS's own entry points, when the BLAS libtorch loaded is OpenBLAS.
using SetThreadsFn = void (*)(int);
using GetThreadsFn = int (*)();
using GetConfigFn = char* (*)();

SetThreadsFn openblas_set_threads() {
  static const auto fn =
      reinterpret_cast<SetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  return fn;
}

// OpenBLAS's thread count as OpenBLAS reports it; 0 when the BLAS is not OpenBLAS.
int openblas_threads() {
  static const auto fn =
      reinterpret_cast<GetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return fn != nullptr ? fn() : 0;
}

std::string blas_description() {
  const auto config = reinterpret_cast<GetConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
  if (config == nullptr || openblas_set_threads() == nullptr)
    return "not OpenBLAS (likely the reference libblas3: single-threaded and slow; "
           "see the BLAS note in bench/README.md)";
  return std::string(config()) + ", threads set with openblas_set_num_threads";
}

torch::Tensor to_torch(const tg::Tensor& t) {
  std::vector<std::int64_t> shape(t.shape().begin(), t.shape().end());
  const tg::Tensor c = t.contiguous();
  return torch::from_blob(c.data<float>(), shape, torch::kFloat32).clone();
}
#endif

void set_threads(int n) {
  tg::set_num_threads(n);
#ifdef TG_BENCH_TORCH
  torch::set_num_threads(n);
  if (SetThreadsFn fn = openblas_set_threads()) fn(n);
#endif
}

// A number, or a dash when the peer did not run.
std::string cell(double v, const char* fmt = "%9.1f") {
  char buf[32];
  if (v > 0) std::snprintf(buf, sizeof buf, fmt, v);
  else std::snprintf(buf, sizeof buf, "%9s", "-");
  return buf;
}

double ratio(double ours, double theirs) { return ours > 0 && theirs > 0 ? ours / theirs : 0; }

// ------------------------------------------------------------ GEMM

struct GemmCase {
  std::int64_t M, N, K;
  bool trans_a, trans_b;
  const char* note;
};

std::vector<GemmCase> gemm_cases(bool quick) {
  std::vector<GemmCase> cases;
  for (std::int64_t n : {64, 128, 256, 512, 1024})
    if (!(quick && n == 1024)) cases.push_back({n, n, n, false, false, "square"});
  const GemmCase mlp[] = {
      {128, 256, 784, false, false, "MLP fc1 forward"},
      {128, 784, 256, false, false, "MLP fc1 grad input"},
      {256, 784, 128, false, false, "MLP fc1 grad weight"},
      {128, 10, 128, false, false, "MLP fc3 forward"},
      {128, 10, 256, false, false, "MLP fc2->10 forward"},
  };
  for (bool trans_a : {false, true})
    for (const GemmCase& g : mlp) cases.push_back({g.M, g.N, g.K, trans_a, false, g.note});
  for (const GemmCase& g : mlp) cases.push_back({g.M, g.N, g.K, false, true, g.note});
  return cases;
}

const char* op_name(const GemmCase& g) {
  if (g.trans_a) return g.trans_b ? "A^T B^T" : "A^T B";
  return g.trans_b ? "A B^T" : "A B";
}

#ifdef TG_BENCH_TORCH
// Both results agree up to float rounding (entries are sums of K products of N(0,1) values).
bool agree(const tg::Tensor& C, const torch::Tensor& theirs, std::int64_t K) {
  const float* a = C.data<float>();
  const float* b = theirs.data_ptr<float>();
  double worst = 0;
  for (std::int64_t i = 0; i < C.numel(); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
  return worst <= 1e-4 * static_cast<double>(K);
}
#endif

void gemm_row(const Settings& s, const GemmCase& g, tg::Generator& gen) {
  // Stored as op() expects: a transposed operand is kept as its transpose.
  const tg::Tensor A = g.trans_a ? tg::randn({g.K, g.M}, gen) : tg::randn({g.M, g.K}, gen);
  const tg::Tensor B = g.trans_b ? tg::randn({g.N, g.K}, gen) : tg::randn({g.K, g.N}, gen);
  tg::Tensor C = tg::zeros({g.M, g.N});
  const std::int64_t lda = A.shape()[1], ldb = B.shape()[1];
  const double gflop = 2e-9 * static_cast<double>(g.M) * static_cast<double>(g.N) *
                       static_cast<double>(g.K);
  const double ours = gflop / time_per_call(s, [&] {
    tg::gemm(g.trans_a, g.trans_b, g.M, g.N, g.K, 1.0f, A.data<float>(), lda, B.data<float>(),
             ldb, 0.0f, C.data<float>(), g.N);
  });
  double theirs = 0;
  const char* check = "";
#ifdef TG_BENCH_TORCH
  const torch::Tensor tA = to_torch(A), tB = to_torch(B);
  const torch::Tensor opA = g.trans_a ? tA.t() : tA, opB = g.trans_b ? tB.t() : tB;
  torch::Tensor tC = torch::empty({g.M, g.N});
  theirs = gflop / time_per_call(s, [&] { torch::mm_out(tC, opA, opB); });
  if (!agree(C, tC, g.K)) check = "  MISMATCH";
#endif
  const std::string dims =
      std::to_string(g.M) + "x" + std::to_string(g.N) + "x" + std::to_string(g.K);
  std::printf("%-14s %-7s %-20s %s %s %s%s\n", dims.c_str(), op_name(g), g.note,
              cell(ours).c_str(), cell(theirs).c_str(), cell(ratio(ours, theirs), "%9.2f").c_str(),
              check);
}

void bench_gemm(const Settings& s, bool quick, int threads) {
  set_threads(threads);
  std::printf("GEMM, f32, C = op(A) @ op(B) into a preallocated C, GFLOP/s (median), %d thread%s\n",
              threads, threads == 1 ? "" : "s");
  std::printf("ratio = tapegrad / libtorch (above 1: tapegrad is faster)");
#ifdef TG_BENCH_TORCH
  if (openblas_threads() > 0) std::printf("; OpenBLAS threads: %d", openblas_threads());
#endif
  std::printf("\n%-14s %-7s %-20s %9s %9s %9s\n", "M x N x K", "op", "shape", "tapegrad",
              "libtorch", "ratio");
  tg::Generator gen(0);
  for (const GemmCase& g : gemm_cases(quick)) gemm_row(s, g, gen);
  std::printf("\n");
}

// ------------------------------------------------------------ memory-bound

// a[i] = b[i] + s * c[i] over n floats, split over `threads` threads.
void triad(float* a, const float* b, const float* c, float scale, std::int64_t n, int threads) {
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t i = 0; i < n; ++i) a[i] = b[i] + scale * c[i];
}

struct BandwidthRow {
  const char* name;
  double arrays;  // arrays of traffic per call
  std::function<void()> ours;
  std::function<void()> theirs;  // empty without libtorch
};

void print_bandwidth(const char* name, std::int64_t n, double ours, double theirs,
                     double vs_triad) {
  std::printf("%-30s %9lld %s %s %s %s\n", name, static_cast<long long>(n), cell(ours).c_str(),
              cell(theirs).c_str(), cell(ratio(ours, theirs), "%9.2f").c_str(),
              cell(vs_triad, "%9.2f").c_str());
}

void bandwidth_size(const Settings& s, std::int64_t n, int threads) {
  tg::Generator gen(1);
  const tg::Tensor a = tg::randn({n}, gen), b = tg::randn({n}, gen);
  tg::Tensor acc = tg::zeros({n});
  std::vector<float> ta(n), tb(n, 1.0f), tc(n, 2.0f);
  const double gb = 4e-9 * static_cast<double>(n);
  const double triad_gbs =
      3 * gb / time_per_call(s, [&] { triad(ta.data(), tb.data(), tc.data(), 0.5f, n, threads); });
  print_bandwidth("triad a=b+s*c, plain loop (3)", n, triad_gbs, 0, 0);
  std::vector<BandwidthRow> rows = {
      {"add, fresh output (3 arrays)", 3, [&] { tg::add(a, b); }, {}},
      {"add_ in place, a += b (3)", 3, [&] { tg::add_(acc, b); }, {}},
      {"sum (1 array)", 1, [&] { tg::sum(a); }, {}},
  };
#ifdef TG_BENCH_TORCH
  const torch::Tensor xa = to_torch(a), xb = to_torch(b);
  torch::Tensor xacc = torch::zeros({n});
  rows[0].theirs = [&] { torch::add(xa, xb); };
  rows[1].theirs = [&] { xacc.add_(xb); };
  rows[2].theirs = [&] { torch::sum(xa); };
#endif
  for (const BandwidthRow& row : rows) {
    const double ours = row.arrays * gb / time_per_call(s, row.ours);
    const double theirs = row.theirs ? row.arrays * gb / time_per_call(s, row.theirs) : 0;
    print_bandwidth(row.name, n, ours, theirs, ratio(ours, triad_gbs));
  }
}

void bench_bandwidth(const Settings& s, bool quick, int threads) {
  set_threads(threads);
  std::printf("Memory-bound kernels, f32, GB/s (median), %d thread%s\n", threads,
              threads == 1 ? "" : "s");
  std::printf("ratios = tapegrad / libtorch and tapegrad / triad (above 1: tapegrad is faster)\n");
  std::printf("%-30s %9s %9s %9s %9s %9s\n", "kernel (arrays of traffic)", "floats", "tapegrad",
              "libtorch", "tg/torch", "tg/triad");
  std::vector<std::int64_t> sizes = {std::int64_t{1} << 20, std::int64_t{1} << 24};
  if (quick) sizes = {std::int64_t{1} << 20};
  for (std::int64_t n : sizes) bandwidth_size(s, n, threads);
  std::printf("\n");
}

// ------------------------------------------------------------ main

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      o.quick = true;
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      o.threads = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--threads N]\n", argv[0]);
      std::exit(2);
    }
  }
  return o;
}

void print_header(const Options& o) {
  std::printf("tapegrad bench_tensor%s: %d OpenMP threads available\n", o.quick ? " --quick" : "",
              omp_get_max_threads());
#ifdef TG_BENCH_TORCH
  std::printf("libtorch peer (TORCH_VERSION %s); its BLAS: %s\n", TORCH_VERSION,
              blas_description().c_str());
#else
  std::printf("libtorch peer: not built (configure with -Dtorch=enabled)\n");
#endif
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  Settings s;
  if (o.quick) {
    s.reps = 3;
    s.min_rep_s = 0.005;
  }
  print_header(o);
  const std::vector<int> thread_counts =
      o.threads > 0 ? std::vector<int>{o.threads} : std::vector<int>{1, 2};
  for (int threads : thread_counts) bench_gemm(s, o.quick, threads);
  for (int threads : thread_counts) bench_bandwidth(s, o.quick, threads);
  return 0;
}
