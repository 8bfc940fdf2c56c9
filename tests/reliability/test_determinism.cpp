// Determinism: the same seed gives bitwise-identical losses and weights,
// run after run and whatever the thread count (tensor/parallel.hpp fixes
// chunk boundaries by problem size, never by threads). The model is the
// flagship's kind: an MLP (nn::Linear) trained with SGD + momentum and
// global-norm clipping on synthetic data, big enough that the matrix
// products run on every thread allowed (Note [gemm threads] in tensor/gemm_blocked.cpp).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "nn/linear.hpp"
#include "nn/losses.hpp"
#include "nn/relu.hpp"
#include "nn/sequential.hpp"
#include "optim/optim.hpp"
#include "tensor/creation.hpp"
#include "tensor/linalg.hpp"
#include "tensor/parallel.hpp"
#include "tensor/random.hpp"
#include "tensor/reduce.hpp"

using namespace tg;

namespace {

struct Run {
  std::vector<double> losses;
  std::vector<std::string> weights;  // raw bytes of each parameter
  std::vector<double> grad_norms;
};

// The bytes of a tensor, so that comparisons are bitwise (NaN-safe, -0 != 0).
std::string bytes_of(const Tensor& t) {
  const Tensor c = t.contiguous();
  return std::string(static_cast<const char*>(c.raw_data()), static_cast<std::size_t>(c.numel()) * dtype_size(c.dtype()));
}

Run train(std::uint64_t seed, int threads) {
  const int saved = get_num_threads();
  set_num_threads(threads);
  Generator data_gen(seed), init_gen(seed + 1);
  // Labels from a fixed random linear teacher: a learnable 10-class problem.
  const Tensor teacher = randn({128, 10}, data_gen);
  nn::Sequential model(std::make_shared<nn::Linear>(128, 256, nn::LinearOptions{.generator = &init_gen}),
                       std::make_shared<nn::ReLU>(),
                       std::make_shared<nn::Linear>(256, 10, nn::LinearOptions{.generator = &init_gen}));
  optim::Optimizer opt(model.named_parameters(),
                       optim::chain(optim::clip_by_global_norm(1.0), optim::sgd({.lr = 0.05, .momentum = 0.9})));
  Run run;
  for (int step = 0; step < 8; ++step) {
    const Tensor x = randn({256, 128}, data_gen);
    const Tensor y = argmax(matmul(x, teacher), 1);
    opt.zero_grad();
    Var loss = nn::cross_entropy(model(Var(x)), y);
    loss.backward();
    run.grad_norms.push_back(opt.step().grad_norm);
    run.losses.push_back(loss.item());
  }
  for (const auto& p : model.named_parameters()) run.weights.push_back(bytes_of(p.var.value()));
  set_num_threads(saved);
  return run;
}

void check_same(const Run& a, const Run& b) {
  REQUIRE(a.losses.size() == b.losses.size());
  for (std::size_t i = 0; i < a.losses.size(); ++i) {
    CAPTURE(i);
    // Bitwise, not approximately: memcmp of the doubles.
    CHECK(std::memcmp(&a.losses[i], &b.losses[i], sizeof(double)) == 0);
    CHECK(std::memcmp(&a.grad_norms[i], &b.grad_norms[i], sizeof(double)) == 0);
  }
  CHECK(a.weights == b.weights);
}

}  // namespace

TEST_CASE("reliability: the same seed gives bitwise-identical losses and weights, run after run") {
  const Run first = train(7, 1), second = train(7, 1);
  check_same(first, second);
  // It trains (the runs are not trivially equal), and another seed differs.
  CHECK(first.losses.back() < first.losses.front());
  CHECK(train(8, 1).weights != first.weights);
}

TEST_CASE("reliability: 1 and 2 threads give bitwise-identical losses and weights") {
  check_same(train(7, 1), train(7, 2));
  check_same(train(11, 2), train(11, 1));
}
