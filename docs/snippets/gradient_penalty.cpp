// docs/snippets/gradient_penalty.cpp — a penalty on a gradient, trained by double backward.
#include <cmath>
#include <cstdio>

#include "autodiff/autodiff.hpp"
#include "nn/regularizers.hpp"
#include "snippet_check.hpp"
#include "tensor/creation.hpp"
#include "tensor/random.hpp"

int main() {
  tg::Generator gen(7);
  const tg::Var x(tg::randn({4, 3}, gen, tg::DType::f64));  // a batch of 4 samples
  tg::Var w(tg::randn({3, 1}, gen, tg::DType::f64), /*requires_grad=*/true);

  // A critic f(x) = tanh(x w), one number per sample.
  const auto critic = [&w](const tg::Var& in) { return tg::tanh(tg::matmul(in, w)); };

  // WGAN-GP's penalty: lambda * mean_i (||df/dx_i|| - 1)^2.
  const double lambda = 10.0;
  const tg::Var penalty = tg::nn::gradient_penalty(critic, x, lambda, /*target_norm=*/1.0);

  // By hand: df/dx_i = (1 - tanh(x_i w)^2) w^T, so ||df/dx_i|| = (1 - t_i^2) ||w||.
  const std::vector<double> t = tg::tanh(tg::matmul(x, w)).value().to_double_vector();
  const std::vector<double> wv = w.value().to_double_vector();
  const double w_norm = std::sqrt(wv[0] * wv[0] + wv[1] * wv[1] + wv[2] * wv[2]);
  double want = 0;
  for (double ti : t) want += std::pow((1 - ti * ti) * w_norm - 1, 2) / t.size();
  want *= lambda;
  std::printf("penalty = %.12f (by hand %.12f)\n", penalty.item(), want);
  expect_close(penalty.item(), want, 1e-13, "penalty value");

  // The penalty is a function of w through a *gradient*; backward reaches w
  // because df/dx was recorded (create_graph) and is differentiated again.
  penalty.backward();
  expect(w.grad().defined(), "the penalty sends a gradient to w");

  // And that gradient is right: gradcheck differentiates w -> penalty(w)
  // numerically and compares.
  const tg::GradcheckResult r = tg::gradcheck(
      [&x, lambda](const std::vector<tg::Var>& v) {
        const tg::Var wv = v[0];
        return tg::nn::gradient_penalty(
            [&wv](const tg::Var& in) { return tg::tanh(tg::matmul(in, wv)); }, x, lambda, 1.0);
      },
      {w.value()});
  std::printf("gradcheck of w -> penalty(w): %s, max error %.1e\n", r ? "passed" : "FAILED",
              r.max_abs_error);
  expect(r.passed, r.report.c_str());
  return 0;
}
