// A small CNN learns a task only convolution solves cheaply: telling
// vertical bars from horizontal bars at random positions, in noise.
#include <doctest/doctest.h>

#include <cmath>

#include "nn/conv2d.hpp"
#include "nn/flatten.hpp"
#include "nn/linear.hpp"
#include "nn/losses.hpp"
#include "nn/max_pool2d.hpp"
#include "nn/relu.hpp"
#include "nn/sequential.hpp"
#include "optim/optimizer.hpp"
#include "optim/presets.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/random.hpp"
#include "tensor/reduce.hpp"

using namespace tg;

namespace {

// N images [N, 1, 8, 8]: even examples get a vertical bar (label 0), odd ones
// a horizontal bar (label 1), at a random row/column, plus N(0, 0.1^2) noise.
std::pair<Tensor, Tensor> bars(std::int64_t n, Generator& gen) {
  Tensor images = normal({n, 1, 8, 8}, 0.0, 0.1, gen);
  std::vector<std::int64_t> labels;
  const auto where = randint(0, 8, {n}, gen).to_vector<std::int64_t>();
  float* px = images.data<float>();
  for (std::int64_t k = 0; k < n; ++k) {
    labels.push_back(k % 2);
    for (std::int64_t i = 0; i < 8; ++i) {
      const std::int64_t row = k % 2 ? where[k] : i, col = k % 2 ? i : where[k];
      px[k * 64 + row * 8 + col] += 1.0f;
    }
  }
  return {images, from_vector(labels)};
}

}  // namespace

TEST_CASE("nn: a small CNN learns bars, its loss falling below a tenth of chance") {
  Generator gen(7);
  auto [images, labels] = bars(64, gen);
  auto model = std::make_shared<nn::Sequential>(
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions{.in_channels = 1, .out_channels = 4,
                                                     .kernel_size = 3, .padding = 1, .seed = 1}),
      std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(2),
      std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(64, 2, nn::LinearOptions{.seed = 2}));
  optim::Optimizer opt(model->named_parameters(), optim::sgd({.lr = 0.1, .momentum = 0.9}));

  const Var x(images);
  double first = 0, last = 0;
  for (int step = 0; step < 80; ++step) {
    opt.zero_grad();
    Var loss = nn::cross_entropy(model->forward(x), labels);
    if (step == 0) first = loss.item();
    last = loss.item();
    loss.backward();
    opt.step();
  }
  // Chance level for two balanced classes is log 2. A mean cross-entropy
  // below 0.1 log 2 means fewer than 10% of the examples can be
  // misclassified (each of those alone costs at least log 2).
  CHECK(first > 0.5 * std::log(2.0));
  CHECK(last < 0.1 * std::log(2.0));
  NoGradGuard no_grad;
  const Tensor predicted = argmax(model->forward(x).value(), 1);
  const double accuracy = mean(eq(predicted, labels).to(DType::f64)).item();
  CHECK(accuracy >= 0.9);
}
