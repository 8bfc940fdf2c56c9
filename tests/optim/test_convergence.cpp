// Convergence on problems with known minima, to tolerances computed from
// their curvature (not tuned to our own output).
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "helpers.hpp"

using namespace tg;
using namespace tg::optim;
using optim_test::param;

namespace {
// f(x) = ½ xᵀ diag(d) x − bᵀx, minimum x* = b / d; μ = min d, L = max d.
const std::vector<double> kD = {1.0, 4.0, 10.0}, kB = {1.0, -2.0, 3.0};

Var quadratic(const Var& x) {
  const Var d(tensor({kD[0], kD[1], kD[2]}, DType::f64)), b(tensor({kB[0], kB[1], kB[2]}, DType::f64));
  return sum(d * square(x)) * 0.5 - sum(b * x);
}

// Rosenbrock: f(x, y) = (1 − x)² + 100 (y − x²)², minimum (1, 1).
Var rosenbrock(const Var& p) {
  const Var x = slice(p, 0, 0, 1), y = slice(p, 0, 1, 2);
  return sum(square(1.0 - x) + square(y - square(x)) * 100.0);
}

// Runs `steps` steps of `transform` on f from x0 and returns the final point.
std::vector<double> minimise(const std::function<Var(const Var&)>& f, std::vector<double> x0,
                             TransformPtr transform, int steps) {
  nn::ParameterList params{param("x", from_vector(x0))};
  Optimizer opt(params, std::move(transform));
  for (int t = 0; t < steps; ++t) {
    opt.zero_grad();
    f(params[0].var).backward();
    opt.step();
  }
  return optim_test::values(params[0]);
}

double distance(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}
}  // namespace

TEST_CASE("optim: sgd on a quadratic contracts by (L - mu) / (L + mu) per step") {
  const double mu = 1.0, L = 10.0;
  const std::vector<double> x0 = {0.0, 0.0, 0.0};
  std::vector<double> x_star;
  for (std::size_t i = 0; i < kD.size(); ++i) x_star.push_back(kB[i] / kD[i]);
  const int T = 60;
  const auto x = minimise(quadratic, x0, sgd({.lr = 2 / (mu + L)}), T);
  const double bound = std::pow((L - mu) / (L + mu), T) * distance(x0, x_star);
  CHECK(distance(x, x_star) <= bound * (1 + 1e-9));
  // Heavy-ball momentum with Polyak's tuning converges at ≈ (√κ − 1)/(√κ + 1): far faster.
  const double k = std::sqrt(L / mu);
  const auto xm = minimise(quadratic, x0,
                           sgd({.lr = 4 / std::pow(std::sqrt(L) + std::sqrt(mu), 2),
                                .momentum = std::pow((k - 1) / (k + 1), 2)}), T);
  CHECK(distance(xm, x_star) <= std::pow((k - 1) / (k + 1), T / 2) * distance(x0, x_star));
}

TEST_CASE("optim: adam and nesterov sgd reach the Rosenbrock minimum") {
  // Near (1, 1) f is strongly convex with Hessian H* = [[802, −400], [−400, 200]];
  // ‖x − x*‖ ≤ ‖∇f(x)‖ / λ_min(H*) there, so a gradient norm of g certifies
  // a distance of about g / λ_min.
  const double tr = 1002, det = 400;
  const double lambda_min = (tr - std::sqrt(tr * tr - 4 * det)) / 2;
  const std::vector<double> x_star = {1.0, 1.0}, x0 = {-1.2, 1.0};
  auto grad_norm = [](const std::vector<double>& p) {
    const double gx = -2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] * p[0]);
    const double gy = 200 * (p[1] - p[0] * p[0]);
    return std::hypot(gx, gy);
  };
  const auto xa = minimise(rosenbrock, x0, chain(scale_by_adam(), scale_by_learning_rate(
                                               cosine_decay(0.01, 8000, 0.0))), 8000);
  const auto xs = minimise(rosenbrock, x0, sgd({.lr = 1e-3, .momentum = 0.9, .nesterov = true}), 4000);
  for (const auto& x : {xa, xs}) {
    CHECK(grad_norm(x) < 1e-3);
    CHECK(distance(x, x_star) <= 1.5 * grad_norm(x) / lambda_min);
  }
}
