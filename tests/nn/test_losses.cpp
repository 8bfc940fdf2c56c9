// Losses against independent truth: log-sum-exp loops in double, the
// label-smoothing formula written out, hand-computed values, PyTorch
// fixtures (tests/reference/make_nn_fixtures.py), finite differences in f64,
// and every error message.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "nn/losses.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/npy.hpp"
#include "tensor/random.hpp"

using namespace tg;
using tg::nn::Reduction;

namespace {

Tensor fixture(const std::string& name) {
  return load_npy(std::string(TG_TEST_DATA_DIR) + "/nn/" + name + ".npy");
}

void check_close(const Tensor& actual, const Tensor& expected, double atol) {
  REQUIRE(shape_str(actual.shape()) == shape_str(expected.shape()));
  const auto a = actual.to_double_vector(), e = expected.to_double_vector();
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(std::abs(a[i] - e[i]) <= atol);
  }
}

// -log softmax(row)[label], via log-sum-exp in double.
double brute_nll(const std::vector<double>& row, std::int64_t label) {
  double m = row[0];
  for (double v : row) m = std::max(m, v);
  double s = 0;
  for (double v : row) s += std::exp(v - m);
  return m + std::log(s) - row[static_cast<std::size_t>(label)];
}

std::vector<double> row_of(const std::vector<double>& flat, std::size_t r, std::size_t c) {
  return {flat.begin() + static_cast<std::ptrdiff_t>(r * c),
          flat.begin() + static_cast<std::ptrdiff_t>((r + 1) * c)};
}

Tensor labels_of(std::vector<std::int64_t> v) { return from_vector(v); }

}  // namespace

TEST_CASE("nn: cross_entropy equals log-sum-exp minus the picked logit, for every reduction") {
  Generator gen(3);
  const Tensor x = mul(randn({7, 5}, gen, DType::f64), 4.0);
  const Tensor y = labels_of({0, 4, 2, 2, 1, 3, 0});
  const auto flat = x.to_double_vector();
  const auto labels = y.to_vector<std::int64_t>();
  std::vector<double> expected;
  double total = 0;
  for (std::size_t n = 0; n < 7; ++n) {
    expected.push_back(brute_nll(row_of(flat, n, 5), labels[n]));
    total += expected.back();
  }
  const Var logits(x);
  const auto none = nn::cross_entropy(logits, y, {.reduction = Reduction::none});
  REQUIRE(none.shape() == Shape{7});
  const auto got = none.value().to_double_vector();
  for (std::size_t n = 0; n < 7; ++n) CHECK(got[n] == doctest::Approx(expected[n]).epsilon(1e-13));
  CHECK(nn::cross_entropy(logits, y, {.reduction = Reduction::sum}).item() ==
        doctest::Approx(total).epsilon(1e-13));
  CHECK(nn::cross_entropy(logits, y).item() == doctest::Approx(total / 7).epsilon(1e-13));
}

TEST_CASE("nn: cross_entropy with class weights, ignore_index and label smoothing follows the formula") {
  Generator gen(4);
  const std::size_t N = 6, C = 4;
  const Tensor x = mul(randn({6, 4}, gen, DType::f64), 2.0);
  const std::vector<std::int64_t> labels{1, -100, 3, 0, 3, 2};
  const std::vector<double> w{0.5, 2.0, 1.0, 3.0};
  const double eps = 0.2;
  // (1 - eps) sum_n w[y] nll_n / W + (eps / C) sum_n sum_c w[c] nll_{n,c} / W,
  // W = sum of w[y] over the samples that are not ignored.
  const auto flat = x.to_double_vector();
  double nll = 0, smooth = 0, weight_sum = 0, nll_plain = 0;
  for (std::size_t n = 0; n < N; ++n) {
    if (labels[n] == -100) continue;
    const auto row = row_of(flat, n, C);
    const double wy = w[static_cast<std::size_t>(labels[n])];
    nll += wy * brute_nll(row, labels[n]);
    nll_plain += brute_nll(row, labels[n]);
    for (std::size_t c = 0; c < C; ++c) smooth += w[c] * brute_nll(row, static_cast<std::int64_t>(c));
    weight_sum += wy;
  }
  const nn::CrossEntropyOptions options{.reduction = Reduction::mean,
                                        .label_smoothing = eps,
                                        .ignore_index = -100,
                                        .weight = from_vector(w)};
  const Var logits(x);
  const double expected = (1 - eps) * nll / weight_sum + eps / C * smooth / weight_sum;
  CHECK(nn::cross_entropy(logits, labels_of(labels), options).item() ==
        doctest::Approx(expected).epsilon(1e-13));
  // Without weights the mean is over the 5 samples that count, not 6.
  CHECK(nn::cross_entropy(logits, labels_of(labels), {.ignore_index = -100}).item() ==
        doctest::Approx(nll_plain / 5).epsilon(1e-13));
  // An ignored sample's loss is exactly 0 under Reduction::none.
  auto opts_none = options;
  opts_none.reduction = Reduction::none;
  CHECK(nn::cross_entropy(logits, labels_of(labels), opts_none).value().at({1}) == 0.0);
}

TEST_CASE("nn: cross_entropy with full label smoothing is the cross-entropy to the uniform target") {
  const Var logits(tensor({{1.0, 2.0, 3.0}}, DType::f64));
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  const double expected = ((lse - 1) + (lse - 2) + (lse - 3)) / 3;
  CHECK(nn::cross_entropy(logits, labels_of({2}), {.label_smoothing = 1.0}).item() ==
        doctest::Approx(expected).epsilon(1e-14));
}

TEST_CASE("nn: cross_entropy and nll_loss match PyTorch, values and gradients") {
  const Tensor weight = fixture("ce_weight");
  for (auto [name, reduction] : {std::pair{"mean", Reduction::mean}, std::pair{"sum", Reduction::sum},
                                 std::pair{"none", Reduction::none}}) {
    const std::string c = std::string("ce_all_") + name;
    CAPTURE(c);
    Var logits(fixture(c + "_input"), true);
    const nn::CrossEntropyOptions options{.reduction = reduction,
                                          .label_smoothing = 0.1,
                                          .ignore_index = -100,
                                          .weight = weight};
    const Var loss = nn::cross_entropy(logits, fixture(c + "_target"), options);
    check_close(loss.value(), fixture(c + "_loss"), 1e-12);
    sum(loss * Var(fixture(c + "_w_loss"))).backward();
    check_close(logits.grad().value(), fixture(c + "_grad_input"), 1e-12);
  }
  // [N, C, d] logits against [N, d] labels.
  Var logits(fixture("ce_3d_input"), true);
  const Var loss = nn::cross_entropy(logits, fixture("ce_3d_target"), {.label_smoothing = 0.2});
  check_close(loss.value(), fixture("ce_3d_loss"), 1e-12);
  loss.backward();
  check_close(logits.grad().value(), fixture("ce_3d_grad_input"), 1e-12);
}

TEST_CASE("nn: nll_loss picks -log p of the label") {
  const Var log_probs(log(tensor({{0.2, 0.8}, {0.6, 0.4}}, DType::f64)));
  const Tensor y = labels_of({1, 0});
  CHECK(nn::nll_loss(log_probs, y).item() ==
        doctest::Approx(-(std::log(0.8) + std::log(0.6)) / 2).epsilon(1e-14));
  // Weighted mean: (w1 * -log .8 + w0 * -log .6) / (w1 + w0).
  const Var loss = nn::nll_loss(log_probs, y, {.weight = tensor({3.0, 1.0}, DType::f64)});
  CHECK(loss.item() == doctest::Approx(-(std::log(0.8) + 3 * std::log(0.6)) / 4).epsilon(1e-14));
  // nll_loss(log_softmax(x)) is cross_entropy(x).
  Generator gen(5);
  const Var x(randn({4, 3, 2}, gen, DType::f64));
  const Tensor y3 = from_vector(std::vector<std::int64_t>{0, 1, 2, 2, 1, 0, 0, 0}, {4, 2});
  CHECK(nn::nll_loss(log_softmax(x, 1), y3).item() ==
        doctest::Approx(nn::cross_entropy(x, y3).item()).epsilon(1e-14));
}

TEST_CASE("nn: class-loss gradients pass gradcheck in f64") {
  Generator gen(6);
  const Tensor y = labels_of({2, 0, -1, 1, 2});
  const Tensor w = tensor({0.3, 1.7, 1.1}, DType::f64);
  auto ce = [&](const std::vector<Var>& v) {
    return nn::cross_entropy(v[0], y, {.label_smoothing = 0.15, .ignore_index = -1, .weight = w});
  };
  CHECK(gradcheck(ce, {randn({5, 3}, gen, DType::f64)}));
  const Tensor y3 = from_vector(std::vector<std::int64_t>{0, 2, 1, 1, 0, 2}, {2, 3});
  auto ce3 = [&](const std::vector<Var>& v) {
    return nn::cross_entropy(v[0], y3, {.reduction = Reduction::none, .label_smoothing = 0.3});
  };
  CHECK(gradcheck(ce3, {randn({2, 3, 3}, gen, DType::f64)}));
  auto nll = [&](const std::vector<Var>& v) {
    return nn::nll_loss(v[0], y, {.reduction = Reduction::sum, .ignore_index = -1, .weight = w});
  };
  CHECK(gradcheck(nll, {randn({5, 3}, gen, DType::f64)}));
}

TEST_CASE("nn: cross_entropy of logits +-1e4 is finite and exact") {
  for (DType dtype : {DType::f32, DType::f64}) {
    const std::string dtype_str = dtype_name(dtype);
    CAPTURE(dtype_str);
    Var logits(tensor({{1e4, -1e4, 0.0}, {1e4, -1e4, 0.0}}, dtype), true);
    const Var loss = nn::cross_entropy(logits, labels_of({0, 1}), {.reduction = Reduction::none});
    const auto v = loss.value().to_double_vector();
    CHECK(v[0] == 0.0);   // the right class with all the mass
    CHECK(v[1] == 2e4);   // -log softmax = 1e4 - (-1e4)
    sum(loss).backward();
    // softmax - one_hot: [1-1, 0, 0] and [1, 0-1, 0].
    const auto g = logits.grad().value().to_double_vector();
    CHECK(g == std::vector<double>{0, 0, 0, 1, -1, 0});
    // label smoothing touches log p of every class, -2e4 included: still finite.
    Var l2(tensor({{1e4, -1e4, 0.0}}, dtype), true);
    nn::cross_entropy(l2, labels_of({0}), {.label_smoothing = 0.1}).backward();
    for (double gi : l2.grad().value().to_double_vector()) CHECK(std::isfinite(gi));
  }
}

TEST_CASE("nn: regression losses take their hand-computed values") {
  const Var input(tensor({1.0, -1.0, 3.5, 0.0}, DType::f64));
  const Var target(tensor({0.5, 1.0, 0.5, 0.0}, DType::f64));  // d = 0.5, -2, 3, 0
  CHECK(nn::mse_loss(input, target).item() == doctest::Approx((0.25 + 4 + 9) / 4));
  CHECK(nn::mse_loss(input, target, Reduction::sum).item() == doctest::Approx(13.25));
  CHECK(nn::l1_loss(input, target).item() == doctest::Approx(5.5 / 4));
  // Huber, delta 1: 0.125, 1.5, 2.5, 0.
  CHECK(nn::huber_loss(input, target, 1.0, Reduction::none).value().to_double_vector() ==
        std::vector<double>{0.125, 1.5, 2.5, 0.0});
  // delta 2.5: d = -2 is now in the quadratic zone (2), d = 3 linear (2.5 * 1.75).
  CHECK(nn::huber_loss(input, target, 2.5, Reduction::sum).item() ==
        doctest::Approx(0.125 + 2 + 4.375));
  // smooth_l1, beta 0.5: 0.5*0.25/0.5 = 0.25, 2 - 0.25, 3 - 0.25, 0.
  CHECK(nn::smooth_l1_loss(input, target, 0.5, Reduction::none).value().to_double_vector() ==
        std::vector<double>{0.25, 1.75, 2.75, 0.0});
  CHECK(nn::smooth_l1_loss(input, target, 0.0).item() == nn::l1_loss(input, target).item());
}

TEST_CASE("nn: regression-loss gradients at the kinks take the documented value") {
  Var input(tensor({1.0, 0.0, -1.0}, DType::f64), true);
  const Var target(tensor({0.0, 0.0, 0.0}, DType::f64));
  nn::l1_loss(input, target, Reduction::sum).backward();
  CHECK(input.grad().value().to_double_vector() == std::vector<double>{1.0, 0.0, -1.0});
  input.zero_grad();
  // |d| = delta exactly: both branches agree, gradient delta * sign(d).
  nn::huber_loss(input, target, 1.0, Reduction::sum).backward();
  CHECK(input.grad().value().to_double_vector() == std::vector<double>{1.0, 0.0, -1.0});
}

TEST_CASE("nn: binary_cross_entropy_with_logits is exact and finite at extreme logits") {
  const Var x(tensor({0.0, 0.0, 1e4, -1e4, 1e4, -1e4}, DType::f64));
  const Var y(tensor({1.0, 0.0, 1.0, 0.0, 0.0, 1.0}, DType::f64));
  const auto v =
      nn::binary_cross_entropy_with_logits(x, y, {.reduction = Reduction::none}).value().to_double_vector();
  CHECK(v[0] == doctest::Approx(std::log(2.0)));
  CHECK(v[1] == doctest::Approx(std::log(2.0)));
  CHECK(v[2] == 0.0);
  CHECK(v[3] == 0.0);
  CHECK(v[4] == 1e4);  // confidently wrong: loss = |x|
  CHECK(v[5] == 1e4);
  // pos_weight p scales the positive term: -p log sigmoid(0) = p log 2.
  const Var z(tensor({0.0, 0.0}, DType::f64)), t(tensor({1.0, 0.0}, DType::f64));
  const auto pw = nn::binary_cross_entropy_with_logits(
                      z, t, {.reduction = Reduction::none, .pos_weight = tensor({3.0, 3.0}, DType::f64)})
                      .value()
                      .to_double_vector();
  CHECK(pw[0] == doctest::Approx(3 * std::log(2.0)));
  CHECK(pw[1] == doctest::Approx(std::log(2.0)));
}

TEST_CASE("nn: bce, huber and smooth_l1 match PyTorch") {
  Var x(fixture("bce_input"), true);
  const Var loss = nn::binary_cross_entropy_with_logits(x, Var(fixture("bce_target")),
                                                        {.pos_weight = fixture("bce_pos_weight")});
  check_close(loss.value(), fixture("bce_loss"), 1e-12);
  loss.backward();
  check_close(x.grad().value(), fixture("bce_grad_input"), 1e-12);
  for (auto [name, param] : {std::pair{"huber", 1.5}, std::pair{"smooth_l1", 0.5}}) {
    const std::string c = name;
    CAPTURE(c);
    Var input(fixture(c + "_input"), true);
    const Var target(fixture(c + "_target"));
    const Var l = c == "huber" ? nn::huber_loss(input, target, param)
                               : nn::smooth_l1_loss(input, target, param);
    check_close(l.value(), fixture(c + "_loss"), 1e-12);
    l.backward();
    check_close(input.grad().value(), fixture(c + "_grad_input"), 1e-12);
  }
}

TEST_CASE("nn: regression and binary losses pass gradcheck in f64, input and target") {
  Generator gen(8);
  // Keep |d| well away from 0 and from delta, where the loss has kinks.
  const Tensor a = tensor({0.3, -1.2, 2.0, -0.4, 1.7, -2.6}, DType::f64);
  const Tensor b = tensor({-0.5, 0.9, 0.1, 0.8, -0.6, 0.2}, DType::f64);
  CHECK(gradcheck([](const std::vector<Var>& v) { return nn::mse_loss(v[0], v[1]); }, {a, b}));
  CHECK(gradcheck([](const std::vector<Var>& v) { return nn::l1_loss(v[0], v[1]); }, {a, b}));
  CHECK(gradcheck([](const std::vector<Var>& v) { return nn::huber_loss(v[0], v[1], 1.0, Reduction::none); },
                  {a, b}));
  CHECK(gradcheck([](const std::vector<Var>& v) { return nn::smooth_l1_loss(v[0], v[1], 0.5); }, {a, b}));
  const Tensor pos_weight = tensor({2.0, 0.5, 1.0}, DType::f64);
  const Tensor weight = tensor({1.5, 0.2, 1.0}, DType::f64);
  auto bce = [&](const std::vector<Var>& v) {
    return nn::binary_cross_entropy_with_logits(
        v[0], v[1], {.reduction = Reduction::sum, .pos_weight = pos_weight, .weight = weight});
  };
  CHECK(gradcheck(bce, {mul(randn({2, 3}, gen, DType::f64), 3.0), rand({2, 3}, gen, DType::f64)}));
}

TEST_CASE("nn: class-loss errors name the dtype, the label, its position and the shapes") {
  const Var logits(zeros({4, 5}, DType::f64));
  using doctest::Contains;
  CHECK_THROWS_WITH_AS(nn::cross_entropy(logits, zeros({4})),
                       Contains("cross_entropy: labels must be i64 class indices, got f32"), Error);
  CHECK_THROWS_WITH_AS(nn::cross_entropy(logits, labels_of({0, 1, 2, 7})),
                       Contains("label 7 at position [3] is out of range for 5 classes (valid: [0, 5))"),
                       Error);
  CHECK_THROWS_WITH_AS(nn::nll_loss(logits, labels_of({0, -1, 2, 3})),
                       Contains("nll_loss: label -1 at position [1] is out of range"), Error);
  CHECK_THROWS_WITH_AS(nn::cross_entropy(logits, labels_of({0, 1, 2})),
                       Contains("labels [3] do not match scores [4, 5]: expected labels [4]"), Error);
  CHECK_THROWS_WITH_AS(nn::cross_entropy(Var(zeros({5})), labels_of({0})),
                       Contains("expected scores [N, C] or [N, C, d1, ...], got a 1-d tensor [5]"), Error);
  CHECK_THROWS_WITH_AS(
      nn::cross_entropy(Var(zeros({2, 5, 3})), from_vector(std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}, {2, 3})),
      Contains("label 5 at position [1, 2] is out of range for 5 classes"), Error);
  CHECK_THROWS_WITH_AS(nn::cross_entropy(logits, from_vector(std::vector<std::int64_t>{0, 1, 2, 3}, {4, 1})),
                       Contains("labels [4, 1] do not match scores [4, 5]"), Error);
  CHECK_THROWS_WITH_AS(nn::cross_entropy(logits, labels_of({0, 1, 2, 3}), {.weight = ones({4})}),
                       Contains("weight must have one entry per class, shape [5], got [4]"), Error);
  CHECK_THROWS_WITH_AS(nn::cross_entropy(logits, labels_of({0, 1, 2, 3}), {.label_smoothing = 1.5}),
                       Contains("label_smoothing must be in [0, 1], got 1.5"), Error);
  // A label equal to ignore_index may lie outside [0, C); others may not.
  CHECK_NOTHROW(nn::cross_entropy(logits, labels_of({0, -100, 2, 3}), {.ignore_index = -100}));
}

TEST_CASE("nn: regression and binary losses reject mismatched shapes and bad parameters") {
  using doctest::Contains;
  const Var a(zeros({4, 1})), b(zeros({4})), c(zeros({4}));
  CHECK_THROWS_WITH_AS(nn::mse_loss(a, b),
                       Contains("mse_loss: input [4, 1] and target [4] must have the same shape"), Error);
  CHECK_THROWS_WITH_AS(nn::l1_loss(a, b), Contains("l1_loss: input [4, 1] and target [4]"), Error);
  CHECK_THROWS_WITH_AS(nn::huber_loss(b, c, 0.0), Contains("huber_loss: delta must be > 0, got 0"), Error);
  CHECK_THROWS_WITH_AS(nn::smooth_l1_loss(b, c, -1.0), Contains("smooth_l1_loss: beta must be >= 0, got -1"),
                       Error);
  CHECK_THROWS_WITH_AS(nn::binary_cross_entropy_with_logits(a, b),
                       Contains("binary_cross_entropy_with_logits: input [4, 1] and target [4]"), Error);
  CHECK_THROWS_WITH_AS(nn::binary_cross_entropy_with_logits(b, c, {.pos_weight = ones({2, 4})}),
                       Contains("pos_weight/weight must broadcast to the logits [4], but the loss came out [2, 4]"),
                       Error);
}
