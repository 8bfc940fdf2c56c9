// Regularizers as graph nodes: values against hand computations, gradients
// against finite differences (f64), exact zeros at the kinks, the gradient
// penalty against an analytic quadratic, and the equivalence of an L2 node
// with coupled L2 decay under SGD.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "nn/module.hpp"
#include "nn/regularizers.hpp"
#include "tensor/creation.hpp"
#include "tensor/random.hpp"

using namespace tg;
using tg::nn::ParamRole;

namespace {

Var leaf(std::initializer_list<double> v) { return Var(tensor(v, DType::f64), true); }
Var leaf(std::initializer_list<std::initializer_list<double>> v) {
  return Var(tensor(v, DType::f64), true);
}
std::vector<double> values(const Var& v) { return v.value().to_double_vector(); }

// A module with one parameter of each role, and a submodule.
struct Inner : nn::Module {
  Var weight, bias;
  Inner() {
    weight = register_parameter("weight", tensor({{1.0, -2.0}, {0.5, 0.0}}, DType::f64),
                                ParamRole::weight);
    bias = register_parameter("bias", tensor({3.0, -1.0}, DType::f64), ParamRole::bias);
  }
};
struct Outer : nn::Module {
  std::shared_ptr<Inner> fc;
  Var table, scale;
  Outer() {
    fc = register_module("fc", std::make_shared<Inner>());
    table = register_parameter("table", tensor({{2.0, 0.0, 1.0}}, DType::f64),
                               ParamRole::embedding);
    scale = register_parameter("scale", tensor({1.0, 1.0}, DType::f64), ParamRole::norm);
  }
};

std::vector<std::string> names(const nn::ParameterList& list) {
  std::vector<std::string> out;
  for (const auto& p : list) out.push_back(p.name);
  return out;
}

// gradcheck of a regularizer over one tensor.
bool checks(const std::function<Var(const Var&)>& reg, const Tensor& at) {
  const auto r = gradcheck([&](const std::vector<Var>& v) { return reg(v[0]); }, {at});
  if (!r) MESSAGE(r.report);
  return r.passed;
}

}  // namespace

TEST_CASE("nn: selections pick parameters by role and name") {
  Outer m;
  CHECK(names(nn::weights_only(m)) == std::vector<std::string>{"table", "fc.weight"});
  CHECK(names(nn::by_role(m, ParamRole::bias)) == std::vector<std::string>{"fc.bias"});
  CHECK(names(nn::by_role(m, ParamRole::norm)) == std::vector<std::string>{"scale"});
  CHECK(names(nn::by_name(m, [](const std::string& n) { return n.starts_with("fc."); })) ==
        std::vector<std::string>{"fc.weight", "fc.bias"});
  // weights_only(m): |table| = 3, |fc.weight| = 3.5; the bias and scale are left out.
  CHECK(nn::l1(nn::weights_only(m), 2.0).item() == doctest::Approx(13.0));
}

TEST_CASE("nn: l1 and l2 match hand computations and have gradient lambda*sign(w), lambda*w") {
  Var a = leaf({{1.0, -2.0}, {0.0, 3.0}});
  Var b = leaf({-0.5});
  CHECK(nn::l1({a, b}, 0.1).item() == doctest::Approx(0.1 * 6.5));
  CHECK(nn::l2({a, b}, 0.1).item() == doctest::Approx(0.05 * (1 + 4 + 9 + 0.25)));
  CHECK(nn::elastic_net({a, b}, 0.1, 0.3).item() ==
        doctest::Approx(0.1 * 6.5 + 0.15 * 14.25));

  nn::l1({a, b}, 0.1).backward();
  CHECK(values(a.grad()) == std::vector<double>{0.1, -0.1, 0.0, 0.1});  // exactly 0 at w = 0
  CHECK(values(b.grad()) == std::vector<double>{-0.1});
  a.zero_grad();
  nn::l2({a}, 0.1).backward();
  const auto g = values(a.grad());
  const std::vector<double> w = values(a);
  for (std::size_t i = 0; i < g.size(); ++i) CHECK(g[i] == doctest::Approx(0.1 * w[i]));

  const Tensor at = tensor({{0.7, -1.3}, {2.1, -0.4}}, DType::f64);
  CHECK(checks([](const Var& x) { return nn::l1({x}, 0.3); }, at));
  CHECK(checks([](const Var& x) { return nn::l2({x}, 0.3); }, at));
  CHECK(checks([](const Var& x) { return nn::elastic_net({x}, 0.2, 0.7); }, at));
}

TEST_CASE("nn: an empty selection gives a zero penalty") {
  CHECK(nn::l2(std::vector<Var>{}, 1.0).item() == 0.0);
  CHECK(nn::group_lasso(nn::ParameterList{}, 1.0).item() == 0.0);
}

TEST_CASE("nn: group lasso sums row norms, with gradient 0 at a zero row") {
  Var w = leaf({{3.0, 4.0}, {0.0, 0.0}, {-1.0, 0.0}});
  CHECK(nn::group_lasso({w}, 0.5).item() == doctest::Approx(0.5 * (5 + 0 + 1)));
  CHECK(nn::group_lasso({w}, 0.5, true).item() == doctest::Approx(0.5 * std::sqrt(2.0) * 6));
  nn::group_lasso({w}, 0.5).backward();
  // d/dw ||w|| = w / ||w||; exactly 0 (not NaN) on the zero row.
  const auto g = values(w.grad());
  const std::vector<double> expected{0.3, 0.4, 0.0, 0.0, -0.5, 0.0};
  for (std::size_t i = 0; i < g.size(); ++i) CHECK(g[i] == doctest::Approx(expected[i]));
  CHECK(g[2] == 0.0);
  CHECK(g[3] == 0.0);
  // A 4-d kernel groups by its first axis (filters); a 1-d tensor by element.
  Var k(ones({2, 1, 2, 2}, DType::f64), true);
  CHECK(nn::group_lasso({k}, 1.0).item() == doctest::Approx(2 * 2.0));
  CHECK(nn::group_lasso({leaf({-2.0, 3.0})}, 1.0).item() == doctest::Approx(5.0));
  CHECK(checks([](const Var& x) { return nn::group_lasso({x}, 0.7, true); },
               tensor({{0.3, -1.2, 0.5}, {2.0, 0.1, -0.4}}, DType::f64)));
}

TEST_CASE("nn: orthogonal penalises the Gram matrix of the shorter side") {
  // Tall W [3, 2] with columns c1 = (1, 0, 2), c2 = (0, 1, 1):
  // W^T W - I = [[5 - 1, 2], [2, 2 - 1]], squared entries 16 + 4 + 4 + 1 = 25.
  Var tall = leaf({{1.0, 0.0}, {0.0, 1.0}, {2.0, 1.0}});
  CHECK(nn::orthogonal({tall}, 0.1).item() == doctest::Approx(2.5));
  // Its transpose is wide, and uses W W^T: the same 2x2 Gram matrix.
  Var wide = leaf({{1.0, 0.0, 2.0}, {0.0, 1.0, 1.0}});
  CHECK(nn::orthogonal({wide}, 0.1).item() == doctest::Approx(2.5));
  // A rotation is orthogonal: penalty 0, gradient 0.
  const double c = std::cos(0.3), s = std::sin(0.3);
  Var rot = leaf({{c, -s}, {s, c}});
  Var p = nn::orthogonal({rot}, 1.0);
  CHECK(std::abs(p.item()) < 1e-28);
  p.backward();
  for (double g : values(rot.grad())) CHECK(std::abs(g) < 1e-14);
  // A conv kernel [O, C, kh, kw] is the matrix [O, C*kh*kw]: two filters of four ones each,
  // W W^T - I = [[3, 4], [4, 3]].
  Var kernel(ones({2, 1, 2, 2}, DType::f64), true);
  CHECK(nn::orthogonal({kernel}, 1.0).item() == doctest::Approx(9 + 16 + 16 + 9));
  CHECK(checks([](const Var& x) { return nn::orthogonal({x}, 0.3); },
               tensor({{0.3, -1.2, 0.5}, {2.0, 0.1, -0.4}}, DType::f64)));
  CHECK(checks([](const Var& x) { return nn::orthogonal({x}, 0.3); },
               tensor({{0.3, -1.2}, {0.5, 2.0}, {0.1, -0.4}}, DType::f64)));
}

TEST_CASE("nn: activity regularization is per sample, p = 1 or 2") {
  Var a = leaf({{1.0, -2.0}, {0.0, 3.0}});  // batch of 2
  CHECK(nn::activity(a, 0.5, 1).item() == doctest::Approx(0.5 * 6 / 2));
  CHECK(nn::activity(a, 0.5, 2).item() == doctest::Approx(0.5 * 14 / 2));
  nn::activity(a, 0.5, 1).backward();
  CHECK(values(a.grad()) == std::vector<double>{0.25, -0.25, 0.0, 0.25});
  CHECK(checks([](const Var& x) { return nn::activity(x, 0.3, 2); },
               tensor({{0.3, -1.2}, {0.5, 2.0}}, DType::f64)));
}

TEST_CASE("nn: gradient penalty of a quadratic matches ||A x|| analytically") {
  // f(x) = sum_i 1/2 x_i^T A x_i with A symmetric, so df/dx_i = A x_i.
  const Tensor a_value = tensor({{2.0, 0.5}, {0.5, 1.0}}, DType::f64);
  const Tensor x_value = tensor({{1.0, -1.0}, {0.5, 2.0}, {0.0, 0.0}}, DType::f64);
  auto quadratic = [](const Var& a) {
    return [a](const Var& x) { return 0.5 * sum(matmul(x, a) * x); };
  };
  Var a(a_value, true);
  const Var x(x_value);
  // A x_i = (1.5, -0.5), (2, 2.25), (0, 0): norms sqrt(2.5), sqrt(9.0625), 0.
  const double n0 = std::sqrt(2.5), n1 = std::sqrt(9.0625);
  Var r1 = nn::gradient_penalty(quadratic(a), x, 0.3, 0.0);
  CHECK(r1.item() == doctest::Approx(0.3 * (2.5 + 9.0625) / 3));
  Var gp = nn::gradient_penalty(quadratic(a), x, 0.3, 1.0);
  CHECK(gp.item() == doctest::Approx(0.3 * ((n0 - 1) * (n0 - 1) + (n1 - 1) * (n1 - 1) + 1) / 3));
  // The penalty's gradient reaches A through the double backward.
  r1.backward();
  // As a function of A, df/dx_i = S x_i with S = (A + A^T) / 2, and
  // R1 = 0.1 sum_i ||S x_i||^2, so dR1/dA = 0.1 sum_i (S x_i x_i^T + x_i (S x_i)^T).
  std::vector<double> expected(4, 0.0);
  const double ax[3][2] = {{1.5, -0.5}, {2.0, 2.25}, {0.0, 0.0}};
  const double xs[3][2] = {{1.0, -1.0}, {0.5, 2.0}, {0.0, 0.0}};
  for (int i = 0; i < 3; ++i)
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 2; ++c) expected[r * 2 + c] += 0.1 * (ax[i][r] * xs[i][c] + xs[i][r] * ax[i][c]);
  const auto g = values(a.grad());
  for (int k = 0; k < 4; ++k) CHECK(g[k] == doctest::Approx(expected[k]));
  // With target 1, the zero sample (gradient norm exactly 0) still gives finite gradients.
  a.zero_grad();
  Var x_leaf(x_value, true);
  nn::gradient_penalty(quadratic(a), x_leaf, 0.3, 1.0).backward();
  for (double v : values(a.grad())) CHECK(std::isfinite(v));
  const auto gx = values(x_leaf.grad());
  for (double v : gx) CHECK(std::isfinite(v));
  CHECK(gx[4] == 0.0);
  CHECK(gx[5] == 0.0);
  // Finite differences through the double backward, in A and in x (x away from 0).
  const auto check = gradcheck(
      [&](const std::vector<Var>& v) { return nn::gradient_penalty(quadratic(v[0]), v[1], 0.3, 1.0); },
      {a_value, x_value.slice(0, 0, 2).contiguous()});
  CHECK_MESSAGE(check.passed, check.report);
}

TEST_CASE("nn: gradient penalty of a function that ignores x is lambda * target^2") {
  const Var x(tensor({{1.0, 2.0}}, DType::f64));
  Var c(scalar(2.0, DType::f64), true);
  auto constant = [&](const Var&) { return c * 3.0; };
  CHECK(nn::gradient_penalty(constant, x, 0.5, 1.0).item() == doctest::Approx(0.5));
  CHECK(nn::gradient_penalty(constant, x, 0.5, 0.0).item() == 0.0);
}

TEST_CASE("nn: SGD with an L2 node equals SGD with coupled L2 over 100 steps") {
  Generator gen(7);
  const Var x(randn({16, 4}, gen, DType::f64));
  const Var y(randn({16, 1}, gen, DType::f64));
  const Tensor w0 = randn({4, 1}, gen, DType::f64);
  const double lr = 0.05, lambda = 0.3;
  auto data_loss = [&](const Var& w) { return mean(square(matmul(x, w) - y)); };

  Var node_w(w0.clone(), true), coupled_w(w0.clone(), true);
  for (int step = 0; step < 100; ++step) {
    // (a) the penalty is a node of the loss
    node_w.zero_grad();
    (data_loss(node_w) + nn::l2({node_w}, lambda)).backward();
    // (b) coupled L2: the decay is added to the gradient by hand
    coupled_w.zero_grad();
    data_loss(coupled_w).backward();
    NoGradGuard no_grad;
    Tensor a = node_w.value(), b = coupled_w.value();
    const auto ga = values(node_w.grad()), gb = values(coupled_w.grad());
    auto* pa = a.data<double>();
    auto* pb = b.data<double>();
    for (std::size_t i = 0; i < ga.size(); ++i) {
      pa[i] -= lr * ga[i];
      pb[i] -= lr * (gb[i] + lambda * pb[i]);
    }
    a.storage()->bump_version();
    b.storage()->bump_version();
  }
  const auto a = values(node_w), b = values(coupled_w), start = w0.to_double_vector();
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(std::abs(a[i] - b[i]) < 1e-12);
    CHECK(std::abs(a[i] - start[i]) > 1e-3);  // and the weights did move
  }
}

TEST_CASE("nn: regularizer errors name the problem") {
  Var v = leaf({1.0, 2.0});
  CHECK_THROWS_WITH_AS(nn::l2({v}, -1.0), doctest::Contains("l2: the strength must be"), Error);
  CHECK_THROWS_WITH_AS(nn::orthogonal({v}, 1.0),
                       doctest::Contains("orthogonal: 'tensor 0' has shape [2]"), Error);
  Outer m;
  CHECK_THROWS_WITH_AS(nn::orthogonal(nn::by_role(m, ParamRole::bias), 1.0),
                       doctest::Contains("'fc.bias'"), Error);
  CHECK_THROWS_WITH_AS(nn::activity(v, 1.0, 3), doctest::Contains("activity: p must be 1 or 2"),
                       Error);
  Var f32(tensor({1.0f}), true);
  CHECK_THROWS_WITH_AS(nn::l1({v, f32}, 1.0), doctest::Contains("mixed dtypes"), Error);
  CHECK_THROWS_WITH_AS(nn::l1({v, Var()}, 1.0), doctest::Contains("'tensor 1' is undefined"),
                       Error);
  CHECK_THROWS_WITH_AS(nn::gradient_penalty([](const Var& x) { return x; }, v, 1.0, -1.0),
                       doctest::Contains("target_norm must be >= 0"), Error);
}
