// docs/snippets/tape_basics.cpp — what the tape records, and how backward reads it.
#include <iostream>

#include "autodiff/autodiff.hpp"
#include "snippet_check.hpp"
#include "tensor/creation.hpp"

int main() {
  // Two leaves: variables we create ourselves and want gradients for.
  tg::Var x(tg::scalar(2.0, tg::DType::f64), /*requires_grad=*/true);
  tg::Var w(tg::scalar(-0.5, tg::DType::f64), /*requires_grad=*/true);
  x.set_name("x");
  w.set_name("w");
  expect(x.is_leaf() && !x.grad_fn(), "a leaf has no node");

  // The forward pass. Each primitive applied to something that requires a
  // gradient appends one Node, numbered in the order it ran.
  tg::Var h = (x * w).set_name("h");            // mul   -> node #0
  tg::Var y = (tg::tanh(h) + x).set_name("y");  // tanh  -> #1, add -> #2
  std::cout << "the tape of y:\n";
  tg::print_tape(y, std::cout);

  // A node knows its op, its inputs (strong references) and its number.
  const tg::Node& add = *y.grad_fn();
  expect(add.op == tg::OpId::add && add.seq == 2, "y was made by add, node #2");
  expect(add.inputs[0].grad_fn()->seq < add.seq, "an input is older than its consumer");
  expect(add.inputs[1].id() == x.id(), "the second input of add is x itself");

  // Nothing is recorded without a reason: constants and no-grad scopes
  // produce plain values.
  {
    tg::NoGradGuard no_grad;
    expect(!(x * w).grad_fn(), "no node under NoGradGuard");
  }
  expect(!(tg::Var(tg::scalar(1.0)) * 2.0).grad_fn(), "no node when nothing requires a gradient");

  // Backward visits #2, #1, #0 and fills the leaves' gradients:
  //   dy/dx = (1 - tanh(h)^2) w + 1,   dy/dw = (1 - tanh(h)^2) x.
  y.backward();
  const double t = std::tanh(2.0 * -0.5);
  expect_close(x.grad().item(), (1 - t * t) * -0.5 + 1, 1e-15, "dy/dx");
  expect_close(w.grad().item(), (1 - t * t) * 2.0, 1e-15, "dy/dw");
  std::cout << "dy/dx = " << x.grad().item() << ", dy/dw = " << w.grad().item() << "\n";

  // The outputs own the graph: drop them and every node is freed.
  std::cout << "live nodes while y exists: " << tg::live_node_count() << "\n";
  y = tg::Var();
  h = tg::Var();
  std::cout << "live nodes after dropping y and h: " << tg::live_node_count() << "\n";
  expect(tg::live_node_count() == 0, "the graph freed itself");

  // Even a chain of 200000 nodes, freed without recursion (no stack overflow).
  tg::Var chain = x;
  for (int i = 0; i < 200000; ++i) chain = chain * 1.0;
  expect(tg::live_node_count() == 200000, "one node per op");
  chain = tg::Var();
  expect(tg::live_node_count() == 0, "the long chain freed itself");
  return 0;
}
