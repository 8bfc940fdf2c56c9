// Layers against independent computations: explicit loops for Linear,
// Conv2d and pooling, hand formulas for the normalisations and their
// running statistics, binomial bounds for dropout, tg::gradcheck in f64 for
// every gradient, and an MLP trained with plain gradient descent.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>

#include "autodiff/autodiff.hpp"
#include "nn/nn.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/random.hpp"
#include "tensor/reduce.hpp"

using namespace tg;
using namespace tg::nn;

namespace {

Tensor randn64(const Shape& shape, std::uint64_t seed) {
  Generator gen(seed);
  return randn(shape, gen, DType::f64);
}

double max_diff(const Tensor& a, const Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  return tg::max(tg::abs(sub(a, b))).item();
}

// Overwrites a parameter's value (as a test fixture would), outside the graph.
void set_value(const Var& p, const Tensor& value) {
  NoGradGuard no_grad;
  Tensor v = p.value();
  v.copy_(value);
}

void check_gradcheck(const VarFunction& f, const std::vector<Tensor>& inputs) {
  const GradcheckResult r = gradcheck(f, inputs);
  INFO(r.report);
  CHECK(r.passed);
}

}  // namespace

// ------------------------------------------------------------------ Linear

TEST_CASE("nn: Linear computes x W^T + b over any leading axes") {
  Linear fc(4, 3, {.dtype = DType::f64, .seed = 1});
  const Tensor x = randn64({2, 5, 4}, 2);
  const Tensor y = fc(Var(x)).value();
  REQUIRE(y.shape() == Shape{2, 5, 3});
  const Tensor& w = fc.weight().value();
  const Tensor& b = fc.bias().value();
  for (std::int64_t i = 0; i < 2; ++i)
    for (std::int64_t t = 0; t < 5; ++t)
      for (std::int64_t o = 0; o < 3; ++o) {
        double expected = b.at({o});
        for (std::int64_t k = 0; k < 4; ++k) expected += x.at({i, t, k}) * w.at({o, k});
        CHECK(y.at({i, t, o}) == doctest::Approx(expected).epsilon(1e-12));
      }
  // A 1-d input is one sample.
  CHECK(fc(Var(x.select(0, 0).select(0, 0))).value().shape() == Shape{3});
  // Without bias: x W^T only.
  Linear nobias(4, 3, {.bias = false, .dtype = DType::f64, .seed = 1});
  CHECK_FALSE(nobias.bias().defined());
  CHECK(nobias.named_parameters().size() == 1);
  CHECK(max_diff(nobias(Var(x)).value(), sub(y, b)) < 1e-12);  // same seed, same weight
}

TEST_CASE("nn: Linear registers weight and bias with roles and PyTorch's default init") {
  Linear fc(50, 20, {.seed = 3});
  const ParameterList params = fc.named_parameters();
  REQUIRE(params.size() == 2);
  CHECK(params[0].name == "weight");
  CHECK(params[0].role == ParamRole::weight);
  CHECK(params[0].var.shape() == Shape{20, 50});
  CHECK(params[1].name == "bias");
  CHECK(params[1].role == ParamRole::bias);
  // Both U(-1/sqrt(50), 1/sqrt(50)); with 1000 weights the largest is within
  // 4% of the bound with probability 1 - (1 - 0.02)^1000 > 1 - 2e-9.
  const double bound = 1.0 / std::sqrt(50.0);
  const double wmax = tg::max(tg::abs(fc.weight().value())).item();
  CHECK(wmax <= bound);
  CHECK(wmax > 0.96 * bound);
  CHECK(tg::max(tg::abs(fc.bias().value())).item() <= bound);
  // Same seed, same model; a shared generator gives two different layers.
  Linear again(50, 20, {.seed = 3});
  CHECK(max_diff(fc.weight().value(), again.weight().value()) == 0.0);
  Generator gen(3);
  Linear a(50, 20, {.generator = &gen}), b(50, 20, {.generator = &gen});
  CHECK(max_diff(a.weight().value(), fc.weight().value()) == 0.0);
  CHECK(max_diff(a.weight().value(), b.weight().value()) > 0.0);
}

TEST_CASE("nn: Linear gradients match finite differences") {
  check_gradcheck([](const std::vector<Var>& v) { return linear(v[0], v[1], v[2]); },
                  {randn64({2, 3, 4}, 1), randn64({5, 4}, 2), randn64({5}, 3)});
  Linear fc(4, 5, {.dtype = DType::f64, .seed = 4});
  const Tensor x = randn64({3, 4}, 5);
  CHECK(max_diff(fc(Var(x)).value(), linear(Var(x), fc.weight(), fc.bias()).value()) == 0.0);
  check_gradcheck([&](const std::vector<Var>& v) { return fc(v[0]); }, {x});
}

TEST_CASE("nn: Linear errors") {
  Linear fc(4, 3);
  CHECK_THROWS_WITH_AS(fc(Var(zeros({2, 5}))),
                       doctest::Contains("Linear(4, 3): input [2, 5] must end in in_features = 4"),
                       Error);
  CHECK_THROWS_WITH_AS(fc(Var(zeros({2, 4}, DType::f64))),
                       doctest::Contains("Linear: input dtype f64 does not match the layer's parameters (f32)"),
                       Error);
  CHECK_THROWS_WITH_AS(Linear(0, 3),
                       doctest::Contains("Linear: in_features and out_features must be >= 1, got 0 and 3"),
                       Error);
  CHECK_THROWS_WITH_AS(linear(Var(zeros({2, 4})), Var(zeros({4}))),
                       doctest::Contains("linear: weight must be [out_features, in_features], got [4]"),
                       Error);
  CHECK_THROWS_WITH_AS(linear(Var(zeros({2, 4})), Var(zeros({3, 4})), Var(zeros({4}))),
                       doctest::Contains("linear: bias must have shape [3], got [4]"), Error);
}

// ------------------------------------------------------------------ Conv2d and pooling

namespace {
// The definition, seven loops deep: y[n,o,i,j] = b[o] + sum_{c,p,q} w[o,c,p,q] x[n,c,si+dp-pad, sj+dq-pad].
Tensor conv_by_loops(const Tensor& x, const Tensor& w, const Tensor& b, std::int64_t s,
                     std::int64_t pad, std::int64_t d) {
  const std::int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const std::int64_t O = w.size(0), K = w.size(2);
  const std::int64_t OH = (H + 2 * pad - d * (K - 1) - 1) / s + 1;
  const std::int64_t OW = (W + 2 * pad - d * (K - 1) - 1) / s + 1;
  Tensor y = zeros({N, O, OH, OW}, DType::f64);
  double* out = y.data<double>();
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t o = 0; o < O; ++o)
      for (std::int64_t i = 0; i < OH; ++i)
        for (std::int64_t j = 0; j < OW; ++j) {
          double acc = b.at({o});
          for (std::int64_t c = 0; c < C; ++c)
            for (std::int64_t p = 0; p < K; ++p)
              for (std::int64_t q = 0; q < K; ++q) {
                const std::int64_t r = s * i + d * p - pad, t = s * j + d * q - pad;
                if (r >= 0 && r < H && t >= 0 && t < W) acc += w.at({o, c, p, q}) * x.at({n, c, r, t});
              }
          *out++ = acc;
        }
  return y;
}
}  // namespace

TEST_CASE("nn: Conv2d matches a direct convolution") {
  const Tensor x = randn64({2, 3, 7, 6}, 10);
  struct Case { std::int64_t k, s, pad, d; };
  for (Case c : {Case{3, 1, 0, 1}, Case{3, 2, 1, 1}, Case{2, 1, 2, 2}, Case{1, 1, 0, 1}}) {
    CAPTURE(c.k); CAPTURE(c.s); CAPTURE(c.pad); CAPTURE(c.d);
    Conv2d conv({.in_channels = 3, .out_channels = 4, .kernel_size = c.k, .stride = c.s,
                 .padding = c.pad, .dilation = c.d, .dtype = DType::f64, .seed = 11});
    const Tensor y = conv(Var(x)).value();
    CHECK(max_diff(y, conv_by_loops(x, conv.weight().value(), conv.bias().value(), c.s, c.pad, c.d)) < 1e-12);
  }
  Conv2d conv({.in_channels = 3, .out_channels = 4, .kernel_size = 3});
  const ParameterList params = conv.named_parameters();
  REQUIRE(params.size() == 2);
  CHECK(params[0].name == "weight");
  CHECK(params[0].var.shape() == Shape{4, 3, 3, 3});
  CHECK(params[0].role == ParamRole::weight);
  CHECK(params[1].role == ParamRole::bias);
  // fan_in = 3 * 3 * 3 = 27: both within 1/sqrt(27).
  CHECK(tg::max(tg::abs(conv.weight().value())).item() <= 1.0 / std::sqrt(27.0));
  CHECK(tg::max(tg::abs(conv.bias().value())).item() <= 1.0 / std::sqrt(27.0));
}

TEST_CASE("nn: Conv2d gradients match finite differences") {
  Conv2d conv({.in_channels = 2, .out_channels = 3, .kernel_size = 2, .stride = 2, .padding = 1,
               .dtype = DType::f64, .seed = 12});
  check_gradcheck([&](const std::vector<Var>& v) { return conv(v[0]); }, {randn64({2, 2, 4, 5}, 13)});
  check_gradcheck(
      [](const std::vector<Var>& v) { return conv2d(v[0], v[1], v[2], 2, 1, 1); },
      {randn64({2, 2, 4, 5}, 13), randn64({3, 2, 2, 2}, 14), randn64({3}, 15)});
}

TEST_CASE("nn: Conv2d errors") {
  Conv2d conv({.in_channels = 3, .out_channels = 4, .kernel_size = 3});
  CHECK_THROWS_WITH_AS(conv(Var(zeros({2, 2, 5, 5}))),
                       doctest::Contains("Conv2d: expected input [N, 3, H, W], got [2, 2, 5, 5]"), Error);
  CHECK_THROWS_WITH_AS(conv(Var(zeros({3, 5, 5}))),
                       doctest::Contains("Conv2d: expected input [N, 3, H, W], got [3, 5, 5]"), Error);
  CHECK_THROWS_WITH_AS(Conv2d({.in_channels = 3, .out_channels = 4, .kernel_size = 0}),
                       doctest::Contains("Conv2d: expected in_channels, out_channels, kernel_size, stride, "
                                         "dilation >= 1 and padding >= 0, got in_channels 3, out_channels 4, "
                                         "kernel_size 0"),
                       Error);
  CHECK_THROWS_AS(conv(Var(zeros({1, 3, 2, 2}))), Error);  // kernel larger than the image
}

TEST_CASE("nn: MaxPool2d and AvgPool2d match window loops, padding included") {
  const Tensor x = randn64({2, 3, 6, 5}, 20);
  struct Case { std::int64_t k, s, pad; };
  for (Case c : {Case{2, 0, 0}, Case{3, 1, 1}, Case{3, 2, 1}}) {
    CAPTURE(c.k); CAPTURE(c.s); CAPTURE(c.pad);
    MaxPool2d maxpool(c.k, {.stride = c.s, .padding = c.pad});
    AvgPool2d avgpool(c.k, {.stride = c.s, .padding = c.pad});
    const Tensor ymax = maxpool(Var(x)).value(), yavg = avgpool(Var(x)).value();
    const std::int64_t s = c.s == 0 ? c.k : c.s;
    const std::int64_t oh = (6 + 2 * c.pad - c.k) / s + 1, ow = (5 + 2 * c.pad - c.k) / s + 1;
    REQUIRE(ymax.shape() == Shape{2, 3, oh, ow});
    REQUIRE(yavg.shape() == Shape{2, 3, oh, ow});
    for (std::int64_t n = 0; n < 2; ++n)
      for (std::int64_t ch = 0; ch < 3; ++ch)
        for (std::int64_t i = 0; i < oh; ++i)
          for (std::int64_t j = 0; j < ow; ++j) {
            double best = -INFINITY, total = 0;
            for (std::int64_t p = 0; p < c.k; ++p)
              for (std::int64_t q = 0; q < c.k; ++q) {
                const std::int64_t r = s * i + p - c.pad, t = s * j + q - c.pad;
                if (r < 0 || r >= 6 || t < 0 || t >= 5) continue;  // padding: not a max, adds 0
                best = std::max(best, x.at({n, ch, r, t}));
                total += x.at({n, ch, r, t});
              }
            CHECK(ymax.at({n, ch, i, j}) == doctest::Approx(best).epsilon(1e-12));
            CHECK(yavg.at({n, ch, i, j}) == doctest::Approx(total / double(c.k * c.k)).epsilon(1e-12));
          }
  }
  AvgPool2d avg(2);
  MaxPool2d mx(2);
  CHECK(avg.named_parameters().empty());
  check_gradcheck([&](const std::vector<Var>& v) { return avg(v[0]); }, {randn64({1, 2, 4, 4}, 21)});
  check_gradcheck([&](const std::vector<Var>& v) { return mx(v[0]); }, {randn64({1, 2, 4, 4}, 22)});
  CHECK_THROWS_WITH_AS(MaxPool2d(3, {.padding = 2}),
                       doctest::Contains("MaxPool2d: padding 2 must be at most half the kernel size 3"),
                       Error);
  CHECK_THROWS_WITH_AS(AvgPool2d(0),
                       doctest::Contains("AvgPool2d: expected kernel_size >= 1, stride >= 0 and padding >= 0"),
                       Error);
  CHECK_THROWS_WITH_AS(mx(Var(zeros({2, 4, 4}))),
                       doctest::Contains("MaxPool2d: expected input [N, C, H, W], got [2, 4, 4]"), Error);
}

TEST_CASE("nn: Flatten merges a range of axes") {
  const Var x(randn64({2, 3, 4, 5}, 30));
  CHECK(Flatten()(x).shape() == Shape{2, 60});
  CHECK(Flatten(0)(x).shape() == Shape{120});
  CHECK(Flatten(1, 2)(x).shape() == Shape{2, 12, 5});
  CHECK(Flatten(-2)(x).shape() == Shape{2, 3, 20});
  // Row-major order is kept: a reshape, not a permutation.
  CHECK(Flatten()(x).value().to_double_vector() == x.value().to_double_vector());
  Flatten flat;
  check_gradcheck([&](const std::vector<Var>& v) { return flat(v[0]) * flat(v[0]); },
                  {randn64({2, 2, 3}, 31)});
  CHECK_THROWS_WITH_AS(Flatten(4)(x),
                       doctest::Contains("Flatten: axes 4..-1 do not name a range of the input's 4 axes"),
                       Error);
  CHECK_THROWS_WITH_AS(Flatten(2, 1)(x), doctest::Contains("Flatten: axes 2..1"), Error);
}

// ------------------------------------------------------------------ Embedding

TEST_CASE("nn: Embedding looks up rows for an index tensor of any shape") {
  Embedding emb(5, 3, {.dtype = DType::f64, .seed = 40});
  CHECK(emb.named_parameters()[0].role == ParamRole::embedding);
  const Tensor idx = from_vector(std::vector<std::int64_t>{4, 0, 2, 2, 1, 4}, {2, 3});
  const Var out = emb(idx);
  REQUIRE(out.shape() == Shape{2, 3, 3});
  const Tensor& w = emb.weight().value();
  for (std::int64_t i = 0; i < 2; ++i)
    for (std::int64_t j = 0; j < 3; ++j)
      for (std::int64_t d = 0; d < 3; ++d)
        CHECK(out.value().at({i, j, d}) == w.at({static_cast<std::int64_t>(idx.at({i, j})), d}));
  // d sum(out) / d weight[r, :] = number of times r was looked up.
  sum(out).backward();
  const std::vector<double> counts{1, 1, 2, 0, 2};
  for (std::int64_t r = 0; r < 5; ++r)
    for (std::int64_t d = 0; d < 3; ++d) CHECK(emb.weight().grad().value().at({r, d}) == counts[r]);
  // A 0-d index gives one vector.
  CHECK(emb(scalar(3, DType::i64)).shape() == Shape{3});
  check_gradcheck([&](const std::vector<Var>& v) { return square(embedding(idx, v[0])); },
                  {randn64({5, 3}, 41)});
}

TEST_CASE("nn: Embedding errors name the index and the range") {
  Embedding emb(5, 3);
  CHECK_THROWS_WITH_AS(emb(from_vector(std::vector<std::int64_t>{1, 5})),
                       doctest::Contains("Embedding: index 5 is out of range [0, 5) (num_embeddings = 5)"),
                       Error);
  CHECK_THROWS_WITH_AS(emb(from_vector(std::vector<std::int64_t>{-1})),
                       doctest::Contains("Embedding: index -1 is out of range [0, 5)"), Error);
  CHECK_THROWS_WITH_AS(emb(zeros({2})), doctest::Contains("Embedding: indices must be i64, got f32"),
                       Error);
  CHECK_THROWS_WITH_AS(Embedding(0, 3),
                       doctest::Contains("Embedding: num_embeddings and embedding_dim must be >= 1, got 0 and 3"),
                       Error);
}

// ------------------------------------------------------------------ Dropout

TEST_CASE("nn: Dropout keeps 1 - p of the elements, scaled by 1 / (1 - p)") {
  const double p = 0.3;
  const std::int64_t n = 20000;
  Dropout drop({.p = p, .seed = 7});
  const Var x(ones({n}, DType::f64));
  const std::vector<double> y = drop(x).value().to_double_vector();
  double kept = 0;
  for (double v : y) {
    CHECK((v == 0.0 || v == doctest::Approx(1.0 / (1.0 - p))));
    kept += v != 0.0;
  }
  // kept ~ Binomial(n, 1 - p): the fraction has standard error sqrt(p (1-p) / n);
  // five of them bound a false alarm by 1e-6.
  CHECK(std::abs(kept / n - (1 - p)) < 5 * std::sqrt(p * (1 - p) / n));
  // The same seed gives the same mask; the next call draws a new one.
  Dropout twin({.p = p, .seed = 7});
  CHECK(twin(x).value().to_double_vector() == y);
  CHECK(twin(x).value().to_double_vector() != y);
  Dropout other({.p = p, .seed = 8});
  CHECK(other(x).value().to_double_vector() != y);
}

TEST_CASE("nn: Dropout's gradient is its mask, and eval is the identity") {
  Dropout drop(0.5);
  Var x(randn64({50}, 50), true);
  const Var y = drop(x);
  sum(y).backward();
  // y = x * m with m in {0, 2}: dy/dx = m = y / x.
  CHECK(max_diff(x.grad().value(), div(y.value(), x.value())) < 1e-12);
  drop.eval();
  CHECK(drop(x).id() == x.id());
  Dropout none(0.0);
  CHECK(none(x).id() == x.id());
  CHECK_THROWS_WITH_AS(Dropout(1.0), doctest::Contains("Dropout: p must be in [0, 1), got 1"), Error);
  CHECK_THROWS_WITH_AS(Dropout(-0.1), doctest::Contains("Dropout: p must be in [0, 1), got -0.1"), Error);
}

// ------------------------------------------------------------------ LayerNorm

TEST_CASE("nn: LayerNorm normalises the trailing axes with a biased variance") {
  const Tensor x = randn64({3, 4, 5}, 60);
  for (const Shape& ns : {Shape{5}, Shape{4, 5}}) {
    CAPTURE(ns.size());
    LayerNorm ln(ns, {.eps = 1e-3, .dtype = DType::f64});
    set_value(ln.weight(), randn64(ns, 61));
    set_value(ln.bias(), randn64(ns, 62));
    const Tensor y = ln(Var(x)).value();
    const Tensor xf = x.reshape({-1, ns.size() == 1 ? 5 : 20});
    const Tensor yf = y.reshape(xf.shape());
    const std::vector<double> w = ln.weight().value().to_double_vector();
    const std::vector<double> b = ln.bias().value().to_double_vector();
    const std::int64_t m = xf.size(1);
    for (std::int64_t r = 0; r < xf.size(0); ++r) {
      double mu = 0, var = 0;
      for (std::int64_t k = 0; k < m; ++k) mu += xf.at({r, k}) / double(m);
      for (std::int64_t k = 0; k < m; ++k) var += std::pow(xf.at({r, k}) - mu, 2) / double(m);
      for (std::int64_t k = 0; k < m; ++k)
        CHECK(yf.at({r, k}) ==
              doctest::Approx((xf.at({r, k}) - mu) / std::sqrt(var + 1e-3) * w[k] + b[k]).epsilon(1e-10));
    }
  }
  LayerNorm ln({5});
  const ParameterList params = ln.named_parameters();
  REQUIRE(params.size() == 2);
  CHECK(params[0].name == "weight");
  CHECK(params[0].role == ParamRole::norm);
  CHECK(params[1].role == ParamRole::norm);
  CHECK(LayerNorm({5}, {.elementwise_affine = false}).named_parameters().empty());
}

TEST_CASE("nn: LayerNorm gradients match finite differences") {
  check_gradcheck(
      [](const std::vector<Var>& v) { return layer_norm(v[0], {2, 3}, v[1], v[2], 1e-5); },
      {randn64({4, 2, 3}, 63), randn64({2, 3}, 64), randn64({2, 3}, 65)});
  LayerNorm ln({3}, {.elementwise_affine = false, .dtype = DType::f64});
  check_gradcheck([&](const std::vector<Var>& v) { return ln(v[0]); }, {randn64({2, 3}, 66)});
  CHECK_THROWS_WITH_AS(ln(Var(zeros({2, 4}, DType::f64))),
                       doctest::Contains("LayerNorm: input [2, 4] must end in normalized_shape [3]"), Error);
  CHECK_THROWS_WITH_AS(LayerNorm(Shape{}),
                       doctest::Contains("LayerNorm: normalized_shape must be non-empty with positive extents"),
                       Error);
  LayerNorm f32({3});
  CHECK_THROWS_WITH_AS(f32(Var(zeros({2, 3}, DType::f64))),
                       doctest::Contains("LayerNorm: input dtype f64 does not match"), Error);
}

// ------------------------------------------------------------------ BatchNorm

namespace {
struct ChannelStats {
  std::vector<double> mean, var;  // var biased
  double n = 0;                   // values per channel
};

// Mean and biased variance of each channel (axis 1), by loops.
ChannelStats channel_stats(const Tensor& x) {
  const std::int64_t N = x.size(0), C = x.size(1), inner = x.numel() / (N * C);
  const Tensor f = x.reshape({N, C, inner});
  ChannelStats s{std::vector<double>(C, 0.0), std::vector<double>(C, 0.0), double(N * inner)};
  for (std::int64_t c = 0; c < C; ++c) {
    for (std::int64_t n = 0; n < N; ++n)
      for (std::int64_t k = 0; k < inner; ++k) s.mean[c] += f.at({n, c, k}) / s.n;
    for (std::int64_t n = 0; n < N; ++n)
      for (std::int64_t k = 0; k < inner; ++k) s.var[c] += std::pow(f.at({n, c, k}) - s.mean[c], 2) / s.n;
  }
  return s;
}

// y = (x - mean[c]) / sqrt(var[c] + eps) * w[c] + b[c], checked entry by entry.
void check_normalized(const Tensor& x, const Tensor& y, const std::vector<double>& mean,
                      const std::vector<double>& var, const BatchNorm& bn, double eps) {
  const std::int64_t N = x.size(0), C = x.size(1), inner = x.numel() / (N * C);
  const Tensor xf = x.reshape({N, C, inner}), yf = y.reshape({N, C, inner});
  const std::vector<double> w = bn.weight().value().to_double_vector();
  const std::vector<double> b = bn.bias().value().to_double_vector();
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t c = 0; c < C; ++c)
      for (std::int64_t k = 0; k < inner; ++k)
        CHECK(yf.at({n, c, k}) ==
              doctest::Approx((xf.at({n, c, k}) - mean[c]) / std::sqrt(var[c] + eps) * w[c] + b[c])
                  .epsilon(1e-10));
}
}  // namespace

TEST_CASE("nn: BatchNorm uses batch statistics in training and running ones in eval") {
  const double eps = 1e-5, m = 0.1;
  auto run = [&](BatchNorm& bn, const Tensor& x1, const Tensor& x2) {
    set_value(bn.weight(), randn64({bn.num_features()}, 70));
    set_value(bn.bias(), randn64({bn.num_features()}, 71));
    const ChannelStats s1 = channel_stats(x1), s2 = channel_stats(x2);
    check_normalized(x1, bn(Var(x1)).value(), s1.mean, s1.var, bn, eps);
    check_normalized(x2, bn(Var(x2)).value(), s2.mean, s2.var, bn, eps);
    CHECK(bn.num_batches_tracked() == 2);
    // Two updates from (0, 1), with the unbiased variance var n / (n - 1).
    const std::vector<double> rm = bn.running_mean().to_double_vector();
    const std::vector<double> rv = bn.running_var().to_double_vector();
    for (std::int64_t c = 0; c < bn.num_features(); ++c) {
      const double mean1 = m * s1.mean[c], var1 = (1 - m) * 1.0 + m * s1.var[c] * s1.n / (s1.n - 1);
      CHECK(rm[c] == doctest::Approx((1 - m) * mean1 + m * s2.mean[c]).epsilon(1e-12));
      CHECK(rv[c] == doctest::Approx((1 - m) * var1 + m * s2.var[c] * s2.n / (s2.n - 1)).epsilon(1e-12));
    }
    bn.eval();
    check_normalized(x1, bn(Var(x1)).value(), rm, rv, bn, eps);
    CHECK(bn.num_batches_tracked() == 2);  // eval leaves the statistics alone
    CHECK(bn.running_mean().to_double_vector() == rm);
  };
  SUBCASE("BatchNorm1d on [N, C]") {
    BatchNorm1d bn(3, {.dtype = DType::f64});
    run(bn, add(mul(randn64({8, 3}, 72), 2.0), 1.0), randn64({8, 3}, 73));
  }
  SUBCASE("BatchNorm1d on [N, C, L]") {
    BatchNorm1d bn(3, {.dtype = DType::f64});
    run(bn, randn64({4, 3, 5}, 74), add(randn64({4, 3, 5}, 75), 3.0));
  }
  SUBCASE("BatchNorm2d on [N, C, H, W]") {
    BatchNorm2d bn(2, {.dtype = DType::f64});
    run(bn, randn64({3, 2, 4, 5}, 76), mul(randn64({3, 2, 4, 5}, 77), 0.5));
  }
}

TEST_CASE("nn: BatchNorm registers norm parameters and running-statistic buffers") {
  BatchNorm2d bn(4);
  const ParameterList params = bn.named_parameters();
  REQUIRE(params.size() == 2);
  CHECK(params[0].name == "weight");
  CHECK(params[0].role == ParamRole::norm);
  CHECK(params[1].role == ParamRole::norm);
  const auto buffers = bn.named_buffers();
  REQUIRE(buffers.size() == 3);
  CHECK(buffers[0].first == "running_mean");
  CHECK(buffers[1].first == "running_var");
  CHECK(buffers[2].first == "num_batches_tracked");
  CHECK(buffers[0].second.shares_storage(bn.running_mean()));
  CHECK(buffers[1].second.to_double_vector() == std::vector<double>(4, 1.0));
  BatchNorm1d bare(4, {.affine = false, .track_running_stats = false});
  CHECK(bare.named_parameters().empty());
  CHECK(bare.named_buffers().empty());
}

TEST_CASE("nn: BatchNorm without momentum averages, without running stats uses the batch") {
  const Tensor x1 = randn64({6, 2}, 80), x2 = add(randn64({6, 2}, 81), 4.0);
  BatchNorm1d avg(2, {.momentum = std::nullopt, .dtype = DType::f64});
  avg(Var(x1));
  avg(Var(x2));
  const ChannelStats s1 = channel_stats(x1), s2 = channel_stats(x2);
  for (int c = 0; c < 2; ++c)  // the plain average of the two batch means
    CHECK(avg.running_mean().to_double_vector()[c] == doctest::Approx((s1.mean[c] + s2.mean[c]) / 2));
  BatchNorm1d batch_only(2, {.track_running_stats = false, .dtype = DType::f64});
  batch_only.eval();
  check_normalized(x2, batch_only(Var(x2)).value(), s2.mean, s2.var, batch_only, 1e-5);
}

TEST_CASE("nn: BatchNorm gradients match finite differences") {
  check_gradcheck(
      [](const std::vector<Var>& v) {
        return batch_norm(v[0], Tensor(), Tensor(), v[1], v[2], /*training=*/true);
      },
      {randn64({3, 2, 2, 2}, 90), randn64({2}, 91), randn64({2}, 92)});
  BatchNorm1d bn(3, {.dtype = DType::f64});
  check_gradcheck([&](const std::vector<Var>& v) { return bn(v[0]); }, {randn64({4, 3}, 93)});
  bn.eval();  // an affine map of x with constant statistics
  check_gradcheck([&](const std::vector<Var>& v) { return bn(v[0]); }, {randn64({4, 3}, 94)});
}

TEST_CASE("nn: BatchNorm errors") {
  BatchNorm1d bn1(3);
  BatchNorm2d bn2(3);
  CHECK_THROWS_WITH_AS(bn1(Var(zeros({2, 3, 4, 4}))),
                       doctest::Contains("BatchNorm1d: expected input [N, C] or [N, C, L], got [2, 3, 4, 4]"),
                       Error);
  CHECK_THROWS_WITH_AS(bn2(Var(zeros({2, 3}))),
                       doctest::Contains("BatchNorm2d: expected input [N, C, H, W], got [2, 3]"), Error);
  CHECK_THROWS_WITH_AS(bn2(Var(zeros({2, 4, 3, 3}))),
                       doctest::Contains("BatchNorm2d: expected 3 channels (num_features) on axis 1, got input [2, 4, 3, 3]"),
                       Error);
  CHECK_THROWS_WITH_AS(bn1(Var(zeros({1, 3}))),
                       doctest::Contains("BatchNorm1d: expected more than 1 value per channel when training, got input [1, 3]"),
                       Error);
  CHECK_THROWS_WITH_AS(bn1(Var(zeros({2, 3}, DType::f64))),
                       doctest::Contains("BatchNorm1d: input dtype f64 does not match"), Error);
  CHECK_THROWS_WITH_AS(BatchNorm1d(0), doctest::Contains("BatchNorm1d: num_features must be >= 1, got 0"),
                       Error);
  CHECK_THROWS_WITH_AS(BatchNorm2d(3, {.momentum = 1.5}),
                       doctest::Contains("BatchNorm2d: momentum must be in [0, 1], got 1.5"), Error);
  bn1.eval();  // one sample is fine with running statistics
  CHECK_NOTHROW(bn1(Var(zeros({1, 3}))));
}

// ------------------------------------------------------------------ activations

TEST_CASE("nn: activation modules compute their formulas") {
  const Tensor x = tensor({-3.0, -0.5, 0.0, 0.25, 2.0}, DType::f64);
  const std::vector<double> xs = x.to_double_vector();
  auto check_each = [&](UnaryModule& act, auto formula) {
    const std::vector<double> y = act(Var(x)).value().to_double_vector();
    for (std::size_t i = 0; i < xs.size(); ++i) {
      CAPTURE(xs[i]);
      CHECK(y[i] == doctest::Approx(formula(xs[i])).epsilon(1e-12));
    }
    CHECK(act.named_parameters().empty());
  };
  ReLU relu_m;
  check_each(relu_m, [](double v) { return v > 0 ? v : 0.0; });
  LeakyReLU leaky(0.2);
  check_each(leaky, [](double v) { return v > 0 ? v : 0.2 * v; });
  Tanh tanh_m;
  check_each(tanh_m, [](double v) { return std::tanh(v); });
  Sigmoid sigmoid_m;
  check_each(sigmoid_m, [](double v) { return 1 / (1 + std::exp(-v)); });
  Softplus softplus_m;
  check_each(softplus_m, [](double v) { return std::log1p(std::exp(v)); });
  Softplus sharp(3.0);
  check_each(sharp, [](double v) { return std::log1p(std::exp(3 * v)) / 3; });
  GELU gelu_m;  // the tanh approximation, and within 4.8e-4 of x Phi(x)
  check_each(gelu_m, [](double v) {
    return 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
  });
  const std::vector<double> g = gelu_m(Var(x)).value().to_double_vector();
  for (std::size_t i = 0; i < xs.size(); ++i)
    CHECK(std::abs(g[i] - 0.5 * xs[i] * (1 + std::erf(xs[i] / std::sqrt(2.0)))) < 4.8e-4);
}

TEST_CASE("nn: activation gradients match finite differences") {
  // Points away from the kinks of relu and leaky relu.
  const Tensor x = tensor({-2.0, -0.7, 0.3, 1.5}, DType::f64);
  std::vector<std::shared_ptr<UnaryModule>> acts{
      std::make_shared<ReLU>(), std::make_shared<LeakyReLU>(0.1), std::make_shared<GELU>(),
      std::make_shared<Tanh>(), std::make_shared<Sigmoid>(), std::make_shared<Softplus>(2.0)};
  for (const auto& act : acts)
    check_gradcheck([&](const std::vector<Var>& v) { return (*act)(v[0]); }, {x});
  CHECK_THROWS_WITH_AS(Softplus(0.0), doctest::Contains("Softplus: beta must be > 0 and finite, got 0"),
                       Error);
  CHECK_THROWS_WITH_AS(LeakyReLU{std::numeric_limits<double>::infinity()},
                       doctest::Contains("LeakyReLU: negative_slope must be finite, got inf"), Error);
  CHECK_THROWS_WITH_AS(ReLU()(Var()), doctest::Contains("ReLU: the input is undefined"), Error);
}

// ------------------------------------------------------------------ Sequential

namespace {
// A model of the user's own: not a UnaryModule, but it has forward(const Var&).
struct Scale : Module {
  Var s;
  Scale() { s = register_parameter("s", full({1}, 2.0, DType::f64), ParamRole::norm); }
  Var forward(const Var& x) { return x * s; }
};
}  // namespace

TEST_CASE("nn: Sequential chains its modules and names them by position") {
  Sequential net(std::make_shared<Linear>(3, 4, LinearOptions{.dtype = DType::f64, .seed = 1}),
                 std::make_shared<Tanh>());
  auto head = net.push_back(std::make_shared<Linear>(4, 2, LinearOptions{.dtype = DType::f64, .seed = 2}));
  net.append(std::make_shared<Scale>());
  CHECK(net.size() == 4);
  CHECK(head->out_features() == 2);  // push_back keeps the type
  std::vector<std::string> names;
  for (const auto& p : net.named_parameters()) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias", "3.s"});
  // forward = the composition, computed by hand.
  const Var x(randn64({5, 3}, 100));
  auto& fc1 = dynamic_cast<Linear&>(*net.at(0));
  const Var expected = linear(tanh(linear(x, fc1.weight(), fc1.bias())), head->weight(), head->bias()) * 2.0;
  CHECK(max_diff(net(x).value(), expected.value()) < 1e-14);
  check_gradcheck([&](const std::vector<Var>& v) { return net(v[0]); }, {randn64({2, 3}, 101)});
  // Nested: the inner names gain the outer position.
  Sequential outer;
  Generator gen_for_outer(102);
  outer.push_back(std::make_shared<Dropout>(0.5));
  auto inner = outer.push_back(std::make_shared<Sequential>(std::make_shared<Linear>(2, 2)));
  CHECK(outer.named_parameters()[0].name == "1.0.weight");
  outer.eval();
  CHECK_FALSE(inner->at(0)->is_training());
  const Var x2(randn({5, 2}, gen_for_outer));  // eval: dropout is the identity
  CHECK(max_diff(outer(x2).value(), (*inner)(x2).value()) == 0.0);
  // Empty: the identity.
  Sequential empty;
  CHECK(empty(x).id() == x.id());
  CHECK_THROWS_WITH_AS(net.at(4), doctest::Contains("Sequential: index 4 is out of range for 4 modules"),
                       Error);
  CHECK_THROWS_WITH_AS(net.push_back(std::shared_ptr<ReLU>()),
                       doctest::Contains("Sequential: module 4 is null"), Error);
}

// ------------------------------------------------------------------ end to end

TEST_CASE("nn: an MLP trained by plain gradient descent separates two classes") {
  // Points in [-1, 1]^2, labelled by the side of the line x0 + x1 = 0, with a
  // margin: points closer than 0.25 to the line are dropped.
  Generator gen(200);
  const std::vector<double> raw = uniform({400, 2}, -1.0, 1.0, gen, DType::f64).to_double_vector();
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < raw.size(); i += 2) {
    const double s = raw[i] + raw[i + 1];
    if (std::abs(s) < 0.25) continue;
    xs.insert(xs.end(), {raw[i], raw[i + 1]});
    ys.push_back(s > 0 ? 1.0 : 0.0);
  }
  const auto n = static_cast<std::int64_t>(ys.size());
  const Var x(from_vector(xs, {n, 2})), y(from_vector(ys, {n, 1}));

  Sequential mlp(std::make_shared<Linear>(2, 16, LinearOptions{.dtype = DType::f64, .seed = 1}),
                 std::make_shared<ReLU>(),
                 std::make_shared<Linear>(16, 1, LinearOptions{.dtype = DType::f64, .seed = 2}));
  // Binary cross-entropy with logits z: softplus(z) - y z (stable).
  auto loss_of = [&]() {
    const Var z = mlp(x);
    return mean(softplus(z) - y * z);
  };
  const double lr = 0.5;
  for (int step = 0; step < 400; ++step) {
    mlp.zero_grad();
    loss_of().backward();
    NoGradGuard no_grad;
    for (const Var& p : mlp.parameters()) {
      Tensor value = p.value();
      add_(value, p.grad().value(), -lr);
    }
  }
  // The bound. A model that learned nothing does no better than the best
  // constant, whose loss is the entropy H of the label frequency (log 2 for
  // balanced classes). The problem is separable with margin 0.25/sqrt(2),
  // and relu(u) - relu(-u) = u lets two hidden units carry c (x0 + x1) for
  // any c, so the infimum of the loss is 0. We ask for a tenth of H: since
  // every misclassified point costs at least log 2 / n, it also forces
  // accuracy above 1 - loss / log 2 >= 90%, which we check independently.
  double frac = 0;
  for (double v : ys) frac += v / double(n);
  const double entropy = -frac * std::log(frac) - (1 - frac) * std::log(1 - frac);
  const double loss = loss_of().item();
  CAPTURE(entropy);
  CHECK(loss < 0.1 * entropy);
  const std::vector<double> z = mlp(x).value().to_double_vector();
  double correct = 0;
  for (std::int64_t i = 0; i < n; ++i) correct += (z[i] > 0) == (ys[i] > 0.5);
  CHECK(correct / double(n) >= 1 - loss / std::log(2.0));
}
