// examples/tensor_demo.cpp — a first program with tapegrad's tensor layer.
//
// Fits a linear model y = X w + noise by gradient descent, with the gradient
// of the mean squared error written out by hand:
//
//   loss(w) = 1/(2n) * ||X w - y||^2,   d loss / d w = 1/n * X^T (X w - y)
//
// (the autodiff layer will compute that gradient for us; here we see the
// tensor operations it is made of). Then it shows broadcasting, a softmax and
// a .npy round trip. Run:  ./build/examples/tensor_demo [--steps N] [--seed S]
#include <cstdlib>
#include <iostream>
#include <string>

#include "tapegrad.hpp"

int main(int argc, char** argv) {
  int steps = 200;
  std::uint64_t seed = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--steps") steps = std::atoi(argv[i + 1]);
    else if (flag == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::cerr << "usage: tensor_demo [--steps N] [--seed S]\n";
      return 2;
    }
  }

  tg::Generator gen(seed);
  const std::int64_t n = 512;
  const tg::Tensor w_true = tg::tensor({2.0, -3.0, 0.5}).reshape({3, 1});
  const tg::Tensor X = tg::randn({n, 3}, gen);                          // [n, 3]
  const tg::Tensor y = tg::matmul(X, w_true) + 0.01 * tg::randn({n, 1}, gen);

  tg::Tensor w = tg::zeros({3, 1});
  const double lr = 0.1;
  double loss = 0;
  for (int step = 0; step <= steps; ++step) {
    const tg::Tensor residual = tg::matmul(X, w) - y;                   // [n, 1]
    loss = 0.5 * tg::mean(tg::square(residual)).item();
    const tg::Tensor grad = tg::matmul(X.transpose(0, 1), residual) / double(n);  // X^T r / n
    w = w - lr * grad;
    if (step % 50 == 0) std::cout << "step " << step << "  loss " << loss << "\n";
  }
  std::cout << "\nrecovered w (true: 2, -3, 0.5):\n" << w.reshape({3}) << "\n\n";

  // Broadcasting: a [2, 3] matrix plus a [3] row, and a softmax over each row.
  const tg::Tensor logits = tg::tensor({{1, 2, 3}, {1, 1, 1}}) + tg::tensor({0, 0, 10});
  std::cout << "softmax of\n" << logits << "\n=\n" << tg::softmax(logits, -1) << "\n\n";

  // .npy files are read by NumPy: np.load("w.npy").
  tg::save_npy("tensor_demo_w.npy", w);
  const tg::Tensor back = tg::load_npy("tensor_demo_w.npy");
  std::remove("tensor_demo_w.npy");
  const double err = tg::max(tg::abs(w - w_true)).item();
  const bool round_trip = tg::max(tg::abs(back - w)).item() == 0.0;
  std::cout << "result: final_loss=" << loss << " max_weight_error=" << err
            << " npy_round_trip=" << (round_trip ? "ok" : "FAILED") << "\n";
  return round_trip && err < 0.01 ? 0 : 1;
}
