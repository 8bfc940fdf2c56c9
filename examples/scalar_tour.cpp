// examples/scalar_tour.cpp — a first look at reverse-mode autodiff.
//
// We build a small expression out of scalars (the one from micrograd's
// README, more or less), look at the tape it recorded, run backward, and
// compare each gradient with a finite difference. Then we write the graph to
// a Graphviz file, with each edge labelled by the gradient that flowed along it:
//
//   ./build/examples/scalar_tour [--dot tour.dot]
//   dot -Tpng tour.dot -o tour.png
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>

#include "autodiff/autodiff.hpp"
#include "tensor/creation.hpp"

namespace {

// The expression, as a function of its two inputs, so we can evaluate it
// again for finite differences.
tg::Var expression(const tg::Var& a, const tg::Var& b) {
  tg::Var c = (a + b).set_name("c");
  tg::Var d = (a * b + tg::pow(b, 3.0)).set_name("d");
  tg::Var e = (c + c + 1.0).set_name("e");
  tg::Var f = (e - c * d + tg::relu(b - a)).set_name("f");
  tg::Var g = (tg::tanh(f) / 2.0 + 10.0 / f).set_name("g");
  return g;
}

tg::Var scalar_var(double v, const char* name) {
  tg::Var x(tg::scalar(v, tg::DType::f64), /*requires_grad=*/true);
  x.set_name(name);
  return x;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dot_path = "scalar_tour.dot";
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::strcmp(argv[i], "--dot") == 0) dot_path = argv[i + 1];

  tg::Var a = scalar_var(-4.0, "a");
  tg::Var b = scalar_var(2.0, "b");
  tg::Var g = expression(a, b);

  std::cout << "g = " << g.item() << "\n\nThe tape (Wengert list) that g depends on:\n";
  tg::print_tape(g, std::cout);

  {
    tg::GradNormGuard record_norms;  // label the DOT edges with gradient norms
    g.backward();
  }

  // Central differences: (g(x + h) - g(x - h)) / 2h, one input at a time.
  const double h = 1e-6;
  auto at = [](double av, double bv) {
    tg::NoGradGuard no_grad;
    return expression(tg::Var(tg::scalar(av, tg::DType::f64)), tg::Var(tg::scalar(bv, tg::DType::f64)))
        .item();
  };
  const double da = (at(-4 + h, 2) - at(-4 - h, 2)) / (2 * h);
  const double db = (at(-4, 2 + h) - at(-4, 2 - h)) / (2 * h);
  std::cout << "\ndg/da = " << a.grad().item() << "   (finite difference " << da << ")\n"
            << "dg/db = " << b.grad().item() << "   (finite difference " << db << ")\n";

  std::ofstream(dot_path) << tg::to_dot(g);
  std::cout << "\nwrote " << dot_path << " (render: dot -Tpng " << dot_path << " -o tour.png)\n";
  const double err = std::max(std::abs(a.grad().item() - da), std::abs(b.grad().item() - db));
  std::cout << "result: g=" << g.item() << " dg_da=" << a.grad().item() << " dg_db=" << b.grad().item()
            << " max_fd_error=" << err << "\n";
  return err < 1e-5 ? 0 : 1;
}
