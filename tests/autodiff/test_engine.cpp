// The engine: recording, reverse-order walk, accumulation, retain_graph,
// no-grad mode, hooks, anomaly mode, in-place checks, memory, tape dumps.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "autodiff/autodiff.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/random.hpp"

using namespace tg;

namespace {
Var leaf(std::initializer_list<double> v) { return Var(tensor(v, DType::f64), true); }
std::vector<double> values(const Var& v) { return v.value().to_double_vector(); }
}  // namespace

TEST_CASE("autodiff: a scalar expression and its analytic gradient") {
  // f(a, b) = a*b + tanh(a);  df/da = b + 1 - tanh(a)^2,  df/db = a
  Var a(scalar(0.5, DType::f64), true);
  Var b(scalar(-2.0, DType::f64), true);
  Var f = a * b + tanh(a);
  CHECK(f.item() == doctest::Approx(0.5 * -2.0 + std::tanh(0.5)));
  f.backward();
  CHECK(a.grad().item() == doctest::Approx(-2.0 + 1 - std::tanh(0.5) * std::tanh(0.5)));
  CHECK(b.grad().item() == doctest::Approx(0.5));
}

TEST_CASE("autodiff: a Var used twice receives the sum of its gradients") {
  Var x = leaf({3.0});
  Var y = x * x + x;  // dy/dx = 2x + 1 = 7
  sum(y).backward();
  CHECK(values(x.grad()) == std::vector<double>{7.0});
  // A second backward accumulates into .grad, like PyTorch.
  sum(x * 2.0).backward();
  CHECK(values(x.grad()) == std::vector<double>{9.0});
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("autodiff: broadcast inputs get gradients of their own shape") {
  Var m(ones({2, 3}, DType::f64), true);
  Var row = leaf({1, 2, 3});
  sum(m * row).backward();
  CHECK(row.grad().shape() == Shape{3});
  CHECK(values(row.grad()) == std::vector<double>{2, 2, 2});
  CHECK(values(m.grad()) == std::vector<double>{1, 2, 3, 1, 2, 3});
}

TEST_CASE("autodiff: non-scalar backward needs a seed") {
  Var x = leaf({1, 2});
  Var y = x * 3.0;
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("backward: the root has shape [2]"), tg::Error);
  y.backward(tensor({1.0, 10.0}, DType::f64));
  CHECK(values(x.grad()) == std::vector<double>{3, 30});
  CHECK_THROWS_WITH_AS(y.backward(tensor({1.0}, DType::f64)), doctest::Contains("does not match"),
                       tg::Error);
}

TEST_CASE("autodiff: backward twice needs retain_graph") {
  Var x = leaf({2.0});
  Var y = sum(exp(x));
  y.backward(Tensor(), /*retain_graph=*/true);
  y.backward();
  CHECK(values(x.grad())[0] == doctest::Approx(2 * std::exp(2.0)));
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("was freed by an earlier backward"), tg::Error);
  Var constant(tensor({1.0}));
  CHECK_THROWS_WITH_AS(sum(constant).backward(), doctest::Contains("does not require a gradient"),
                       tg::Error);
}

TEST_CASE("autodiff: nothing is recorded under NoGradGuard") {
  Var x = leaf({1, 2});
  {
    NoGradGuard no_grad;
    Var y = x * 2.0;
    CHECK_FALSE(y.requires_grad());
    CHECK(y.is_leaf());
    {
      EnableGradGuard enable;
      CHECK((x * 2.0).requires_grad());
    }
  }
  CHECK((x * 2.0).requires_grad());
  CHECK_FALSE((x.detach() * 2.0).requires_grad());
}

TEST_CASE("autodiff: functional grad and second derivatives") {
  // f(x) = x^3: f' = 3x^2, f'' = 6x
  Var x(scalar(2.0, DType::f64), true);
  Var y = pow(x, 3.0);
  auto g = grad({y}, {x}, {}, /*create_graph=*/true);
  CHECK(g[0].item() == doctest::Approx(12.0));
  auto h = grad({g[0]}, {x});
  CHECK(h[0].item() == doctest::Approx(12.0));
  CHECK_FALSE(x.grad().defined());  // grad() does not touch .grad
  // An input the output does not depend on gets zeros (or an error).
  Var unused(scalar(1.0, DType::f64), true);
  Var z = x * 2.0;
  CHECK(grad({z}, {unused}, {}, false, true)[0].item() == 0.0);
  CHECK_THROWS_WITH_AS(grad({z}, {unused}, {}, false, true, /*allow_unused=*/false),
                       doctest::Contains("do not depend on input 0"), tg::Error);
}

TEST_CASE("autodiff: Hessian-vector product by double backward") {
  // f(x) = sum(x^2 * x[0]) ... use f(x) = (x . x)^2: H = 8 x x^T + 4 (x . x) I
  Var x = leaf({1, 2});
  Var s = sum(x * x);
  Var f = s * s;
  auto g = grad({f}, {x}, {}, true);
  const Tensor v = tensor({1.0, -1.0}, DType::f64);
  auto hv = grad({sum(g[0] * Var(v))}, {x});
  // x.x = 5, x.v = -1: H v = 8 x (x.v) + 4*5 v = [-8 + 20, -16 - 20]
  CHECK(values(hv[0]) == std::vector<double>{12, -36});
}

TEST_CASE("autodiff: hooks observe and replace gradients") {
  Var x = leaf({1, 2});
  x.set_name("x");
  double seen = 0;
  x.register_hook([&](const Var& g) {
    seen = sum(g).item();
    return Var();  // observe only
  });
  Var h = x * 3.0;
  h.register_hook([](const Var& g) { return g * 2.0; });  // replace: doubles the gradient
  sum(h).backward();
  CHECK(seen == 12.0);
  CHECK(values(x.grad()) == std::vector<double>{6, 6});

  Var y = leaf({1, 2}).set_name("w");
  y.register_hook([](const Var&) { return Var(zeros({3}, DType::f64)); });
  CHECK_THROWS_WITH_AS(sum(y * 1.0).backward(),
                       "register_hook: the hook on 'w' returned a gradient of shape [3] for a variable of shape [2]",
                       tg::Error);
}

TEST_CASE("autodiff: anomaly mode names the first op whose backward is not finite") {
  Var x = leaf({0.0, 1.0});
  Var y = sqrt(x).set_name("root");  // d sqrt / dx = inf at 0
  Var loss = sum(y);
  {
    AnomalyGuard anomaly;
    CHECK_THROWS_WITH_AS(loss.backward(Tensor(), true),
                         doctest::Contains("anomaly: the backward of sqrt (#"), tg::Error);
  }
  try {
    AnomalyGuard anomaly;
    loss.backward(Tensor(), true);
  } catch (const tg::Error& e) {
    const std::string msg = e.what();
    CHECK(msg.find("'root'") != std::string::npos);
    CHECK(msg.find("[2]") != std::string::npos);
  }
  loss.backward();  // without anomaly mode the inf just propagates
  CHECK(std::isinf(values(x.grad())[0]));
}

TEST_CASE("autodiff: a constant factor gets no gradient computed, the variable the right one") {
  // mul's backward skips the input that needs no gradient (needs_input_grad):
  // the constant stays without grad, and the variable's gradient is exact.
  Var x = leaf({1.5, -2.0});
  const Var c(tensor({4.0, 0.25}, DType::f64));
  Var y = x * c / c * c - c;  // dy/dx = c
  sum(y).backward();
  CHECK(values(x.grad()) == std::vector<double>{4.0, 0.25});
  CHECK_FALSE(c.grad().defined());
}

TEST_CASE("autodiff: a pass stopped by an error leaves the graph usable") {
  // Two branches wait at once; a hook on one throws while the other still
  // holds a buffered gradient (Note [input buffer]). The next pass must start clean.
  Var x = leaf({2.0});
  Var a = x * 3.0;  // two consumers below: its buffer fills twice
  Var b = a * a;
  Var c = exp(a * 0.1);
  bool fail_once = true;
  b.register_hook([&fail_once](const Var&) -> Var {
    if (fail_once) {
      fail_once = false;
      throw std::runtime_error("hook failed");
    }
    return Var();
  });
  Var loss = b + c;
  CHECK_THROWS_WITH(loss.backward(Tensor(), true), "hook failed");
  loss.backward();
  // d/dx [(3x)^2 + exp(0.3x)] = 18x + 0.3 exp(0.3x)
  REQUIRE(x.grad().defined());
  CHECK(x.grad().item() == doctest::Approx(36.0 + 0.3 * std::exp(0.6)));
}

TEST_CASE("autodiff: a backward started from a hook through the same nodes is refused") {
  Var x = leaf({1.0});
  Var a = x * 2.0;
  Var b = a * 3.0;
  Var c = a * 4.0;
  Var loss = b + c;
  // c is visited first (larger sequence number) and leaves a gradient waiting at a's node.
  b.register_hook([&](const Var&) -> Var {
    (void)grad({c}, {x}, {}, false, true);
    return Var();
  });
  CHECK_THROWS_WITH(loss.backward(Tensor(), true),
                    doctest::Contains("already part of a backward pass"));
}

TEST_CASE("autodiff: modifying a recorded input in place is detected") {
  Var x = leaf({1, 2});
  Tensor data = tensor({3.0, 4.0}, DType::f64);
  Var c(data);
  Var y = sum(x * c);
  data.fill_(0);  // changes what backward would read
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("was modified in place"), tg::Error);
}

TEST_CASE("autodiff: a graph nobody refers to frees itself") {
  Var w(randn({8, 8}, DType::f64), true);
  const std::int64_t before = live_node_count();
  for (int i = 0; i < 100000; ++i) {
    Var y = sum(tanh(w * 0.5));  // records 4 nodes, never backpropagated
    (void)y;
  }
  CHECK(live_node_count() == before);
  // A 100000-long chain is freed without recursion (no stack overflow).
  {
    Var x(scalar(1.0, DType::f64), true);
    Var chain = x;
    for (int i = 0; i < 100000; ++i) chain = chain * 1.0;
    CHECK(live_node_count() == before + 100000);
  }
  CHECK(live_node_count() == before);
}

TEST_CASE("autodiff: requires_grad rules") {
  Var x = leaf({1.0});
  Var y = x * 2.0;
  CHECK_THROWS_WITH_AS(y.requires_grad_(false), doctest::Contains("only leaves"), tg::Error);
  CHECK_THROWS_WITH_AS(Var(arange(3), true), doctest::Contains("only floating tensors"), tg::Error);
  CHECK(y.grad_fn()->op == OpId::mul);
  CHECK(x.is_leaf());
}

TEST_CASE("autodiff: tape dump and DOT export") {
  Var a = leaf({1, 2}).set_name("a");
  Var b = leaf({3, 4}).set_name("b");
  Var loss = sum(a * b).set_name("loss");
  const std::string tape = tape_string(loss);
  CHECK(tape.find("mul") != std::string::npos);
  CHECK(tape.find("sum") != std::string::npos);
  CHECK(tape.find("'loss'") != std::string::npos);
  CHECK(tape.find("mul") < tape.find("sum"));  // tape order
  {
    GradNormGuard norms;
    loss.backward();
  }
  const std::string dot = to_dot(loss);
  CHECK(dot.rfind("digraph tape {", 0) == 0);
  CHECK(dot.find("label=\"a\\n[2]\"") != std::string::npos);
  // The gradient into a is b = [3, 4]: norm 5.
  CHECK(dot.find("label=\"5\"") != std::string::npos);
}
