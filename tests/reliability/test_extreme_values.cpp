// Extreme inputs give finite, correct results: sigmoid, tanh, softplus and
// logsigmoid far in their tails (±300..400, and past exp's overflow in f64),
// the f32 SIMD path around exp's overflow threshold (±88.72), and
// cross-entropy with logits of ±1e4. Values and gradients are compared with
// long-double evaluations of the textbook formulas, or analytic limits.
//
// Two accuracy classes (what the formulas can give, checked as such):
//   relative: |got - want| <= c eps |want| — sigmoid and tanh values, and
//     the gradients of softplus and logsigmoid (which are sigmoids);
//   absolute: |got - want| <= c eps max(|want|, 1) — softplus and logsigmoid
//     values (max(x, 0) + log(1 + e^-|x|): without a log1p primitive,
//     softplus(-40) = 4e-18 comes out as 0), and the gradients of sigmoid and
//     tanh (s (1 - s) and 1 - t^2 cancel to 0 once s or |t| rounds to 1, as
//     in PyTorch). Both are exact to the dtype's precision at the scale of 1.
// Either way: finite everywhere, never NaN.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "nn/losses.hpp"
#include "tensor/creation.hpp"

using namespace tg;

namespace {

using LD = long double;

// Each value at several positions, so every SIMD lane and the scalar tail see it.
std::vector<double> spread(const std::vector<double>& values) {
  std::vector<double> out;
  for (int copy = 0; copy < 9; ++copy) {
    if (copy % 2) out.push_back(0.5);  // shifts the lane each value lands in
    out.insert(out.end(), values.begin(), values.end());
  }
  return out;
}

// ln(1 + e^x) without overflow or cancellation.
LD softplus_ld(LD x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
LD sigmoid_ld(LD x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); }

enum class Accuracy { relative, absolute };

struct Unary {
  const char* name;
  Var (*fn)(const Var&);
  LD (*value)(LD);
  LD (*derivative)(LD);
  Accuracy value_accuracy, derivative_accuracy;
};

const Unary kUnaries[] = {
    {"sigmoid", [](const Var& x) { return sigmoid(x); }, sigmoid_ld,
     [](LD x) { return sigmoid_ld(x) * sigmoid_ld(-x); }, Accuracy::relative, Accuracy::absolute},
    {"tanh", [](const Var& x) { return tg::tanh(x); }, [](LD x) { return std::tanh(x); },
     [](LD x) {
       const LD c = std::cosh(x);  // 1 - tanh^2 = 1 / cosh^2, exact in the tails
       return std::isinf(c) ? LD(0) : 1 / (c * c);
     },
     Accuracy::relative, Accuracy::absolute},
    {"softplus", [](const Var& x) { return softplus(x); }, softplus_ld, sigmoid_ld, Accuracy::absolute,
     Accuracy::relative},
    {"logsigmoid", [](const Var& x) { return logsigmoid(x); }, [](LD x) { return -softplus_ld(-x); },
     [](LD x) { return sigmoid_ld(-x); }, Accuracy::absolute, Accuracy::relative},
};

// |got - want| <= rel scale + tiny, with scale |want| (relative) or
// max(|want|, 1) (absolute); `tiny` admits results that underflow to zero or
// subnormals in the dtype (e^-300 in f32).
bool close(double got, LD want, Accuracy accuracy, double rel, double tiny) {
  const LD scale = accuracy == Accuracy::relative ? std::fabs(want) : std::max(std::fabs(want), LD(1));
  return std::isfinite(got) && std::fabs(static_cast<LD>(got) - want) <= rel * scale + tiny;
}

void check_unary(const Unary& u, const std::vector<double>& xs, DType dtype) {
  const bool f32 = dtype == DType::f32;
  const double rel = f32 ? 8 * std::numeric_limits<float>::epsilon() : 64 * std::numeric_limits<double>::epsilon();
  const double tiny = f32 ? 1e-37 : 1e-300;
  Var x(from_vector(xs).to(dtype), true);
  Var y = u.fn(x);
  sum(y).backward();
  const std::vector<double> in = x.value().to_double_vector();  // as rounded to the dtype
  const std::vector<double> out = y.value().to_double_vector();
  const std::vector<double> grad = x.grad().value().to_double_vector();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::string op = std::string(u.name) + " " + dtype_name(dtype);
    CAPTURE(op);
    CAPTURE(in[i]);
    CAPTURE(i);
    CHECK_MESSAGE(close(out[i], u.value(in[i]), u.value_accuracy, rel, tiny), "value " << out[i] << ", want "
                                                                << static_cast<double>(u.value(in[i])));
    CHECK_MESSAGE(close(grad[i], u.derivative(in[i]), u.derivative_accuracy, rel, tiny),
                  "gradient " << grad[i] << ", want " << static_cast<double>(u.derivative(in[i])));
  }
}

}  // namespace

TEST_CASE("reliability: sigmoid, tanh, softplus, logsigmoid at +-300..400 are finite and correct") {
  const std::vector<double> tails = {-400, -350, -300, -100, -40, -20, -1, 0, 1, 20, 40, 100, 300, 350, 400};
  for (const Unary& u : kUnaries) {
    check_unary(u, spread(tails), DType::f32);
    check_unary(u, spread(tails), DType::f64);
  }
}

TEST_CASE("reliability: the f32 path around exp's overflow threshold (+-88.72) is finite and correct") {
  const std::vector<double> edge = {-89.5, -89, -88.75, -88.72, -88.7, -88.5, -88, -87.5,
                                    87.5,  88,  88.5,   88.7,   88.72, 88.75, 89,  89.5};
  for (const Unary& u : kUnaries) check_unary(u, spread(edge), DType::f32);
}

TEST_CASE("reliability: f64 past exp's overflow threshold (+-709.8) is finite and correct") {
  const std::vector<double> far = {-1e4, -1000, -750, -710, -709, 709, 710, 750, 1000, 1e4};
  for (const Unary& u : kUnaries) check_unary(u, spread(far), DType::f64);
}

TEST_CASE("reliability: cross_entropy with logits of +-1e4 is finite, exact, with finite gradients") {
  for (DType dtype : {DType::f32, DType::f64}) {
    const std::string name = dtype_name(dtype);
    CAPTURE(name);
    // Sample 0 is certain and right (loss 0); sample 1 certain and wrong:
    // loss = logsumexp(-1e4, 1e4, 0) - (-1e4) = 2e4 (to within e^-1e4).
    Var logits(tensor({{1e4, -1e4, 0.0}, {-1e4, 1e4, 0.0}}, dtype), true);
    const Tensor labels = from_vector(std::vector<std::int64_t>{0, 0});
    Var loss = nn::cross_entropy(logits, labels);
    loss.backward();
    CHECK(loss.item() == 1e4);  // (0 + 2e4) / 2
    // d/dlogits = (softmax - one_hot) / N = [[0, 0, 0], [-1, 1, 0]] / 2.
    const std::vector<double> g = logits.grad().value().to_double_vector();
    const std::vector<double> want = {0, 0, 0, -0.5, 0.5, 0};
    for (std::size_t i = 0; i < g.size(); ++i) {
      CAPTURE(i);
      CHECK(g[i] == want[i]);
    }
    // And per sample, with reduction none, and with label smoothing.
    Var none = nn::cross_entropy(logits, labels, {.reduction = nn::Reduction::none});
    CHECK(none.value().to_double_vector() == std::vector<double>{0, 2e4});
    Var smooth = nn::cross_entropy(logits, labels, {.label_smoothing = 0.1});
    // 0.9 nll + (0.1 / 3) mean_n(-sum_c logp) = 0.9e4 + (0.1 / 3) 3e4 = 1e4.
    CHECK(smooth.item() == doctest::Approx(1e4).epsilon(1e-6));
  }
}

TEST_CASE("reliability: binary_cross_entropy_with_logits at +-1e4 is finite and exact") {
  for (DType dtype : {DType::f32, DType::f64}) {
    const std::string name = dtype_name(dtype);
    CAPTURE(name);
    Var x(tensor({1e4, -1e4, 1e4, -1e4}, dtype), true);
    const Var y(tensor({1.0, 0.0, 0.0, 1.0}, dtype));
    Var loss = nn::binary_cross_entropy_with_logits(x, y, {.reduction = nn::Reduction::none});
    CHECK(loss.value().to_double_vector() == std::vector<double>{0, 0, 1e4, 1e4});
    sum(loss).backward();
    // d/dx = sigmoid(x) - y
    CHECK(x.grad().value().to_double_vector() == std::vector<double>{0, 0, 1, -1});
  }
}
