// Recurrent layers against PyTorch: tests/reference/make_nn_fixtures.py runs
// torch.nn.RNN / LSTM / GRU and their cells in f64 and saves weights, inputs,
// outputs and gradients; here the weights are loaded into our layers (by
// PyTorch's parameter names) and everything is compared at 1e-10. Plus a
// gradcheck of one LSTM step, initialization bounds, an identity ReLU RNN
// with a known gradient, a 200-step unroll that frees its graph, and errors.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "nn/gru.hpp"
#include "nn/gru_cell.hpp"
#include "nn/lstm.hpp"
#include "nn/lstm_cell.hpp"
#include "nn/rnn.hpp"
#include "nn/rnn_cell.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/npy.hpp"
#include "tensor/random.hpp"

using namespace tg;

namespace {

constexpr double kAtol = 1e-10;

Tensor fixture(const std::string& name) {
  return load_npy(std::string(TG_TEST_DATA_DIR) + "/nn/" + name + ".npy");
}

void check_close(const Var& actual, const Tensor& expected, const std::string& what) {
  CAPTURE(what);
  REQUIRE(actual.defined());
  REQUIRE(shape_str(actual.shape()) == shape_str(expected.shape()));
  const auto a = actual.value().to_double_vector(), e = expected.to_double_vector();
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - e[i]));
  CHECK(worst <= kAtol);
}

// Writes PyTorch's weights into the layer, found by parameter name: this also
// checks that our names and shapes are PyTorch's.
void load_weights(const nn::Module& layer, const std::string& case_name) {
  NoGradGuard no_grad;
  for (const nn::NamedParameter& p : layer.named_parameters()) {
    const Tensor w = fixture(case_name + "_" + p.name);
    REQUIRE(shape_str(p.var.shape()) == shape_str(w.shape()));
    Tensor(p.var.value()).copy_(w);
  }
}

Var leaf(const std::string& name) { return Var(fixture(name), true); }

// sum(w_name * value) with PyTorch's weighting for that output.
Var weighted(const std::string& case_name, const std::string& output, const Var& value) {
  check_close(value, fixture(case_name + "_" + output), output);
  return sum(value * Var(fixture(case_name + "_w_" + output)));
}

void check_param_grads(const nn::Module& layer, const std::string& case_name) {
  for (const nn::NamedParameter& p : layer.named_parameters())
    check_close(p.var.grad(), fixture(case_name + "_grad_" + p.name), "grad " + p.name);
}

}  // namespace

TEST_CASE("nn: recurrent layers register PyTorch's parameter names, shapes and roles") {
  nn::LSTM lstm(3, 4, {.num_layers = 2, .seed = 0});
  std::vector<std::string> names;
  for (const auto& p : lstm.named_parameters()) {
    names.push_back(p.name);
    CHECK(p.role == (p.name.rfind("weight", 0) == 0 ? nn::ParamRole::weight : nn::ParamRole::bias));
    CHECK(p.var.requires_grad());
  }
  CHECK(names == std::vector<std::string>{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                          "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"});
  CHECK(lstm.weights(0).weight_ih.shape() == Shape{16, 3});
  CHECK(lstm.weights(1).weight_ih.shape() == Shape{16, 4});
  CHECK(lstm.weights(1).weight_hh.shape() == Shape{16, 4});
  nn::GRUCell gru(3, 5, {.bias = false, .seed = 0});
  CHECK(gru.named_parameters().size() == 2);
  CHECK(gru.weight_ih().shape() == Shape{15, 3});
  CHECK(!gru.bias_ih().defined());
  nn::RNNCell rnn(3, 5, {.seed = 0});
  CHECK(rnn.named_parameters()[1].name == "weight_hh");
  CHECK(rnn.bias_hh().shape() == Shape{5});
}

TEST_CASE("nn: recurrent weights start U(-1/sqrt(H), 1/sqrt(H)) and follow the seed") {
  const std::int64_t H = 16;
  const double k = 1.0 / std::sqrt(static_cast<double>(H));
  nn::GRU a(8, H, {.dtype = DType::f64, .seed = 3});
  nn::GRU b(8, H, {.dtype = DType::f64, .seed = 3});
  nn::GRU c(8, H, {.dtype = DType::f64, .seed = 4});
  double largest = 0;
  for (const auto& p : a.named_parameters())
    for (double v : p.var.value().to_double_vector()) {
      CHECK(std::abs(v) <= k);
      largest = std::max(largest, std::abs(v));
    }
  CHECK(largest > 0.95 * k);  // 1200 draws fill the interval
  CHECK(a.weights().weight_hh.value().to_double_vector() == b.weights().weight_hh.value().to_double_vector());
  CHECK(a.weights().weight_hh.value().to_double_vector() != c.weights().weight_hh.value().to_double_vector());
  // A shared generator: two layers drawn one after the other differ.
  Generator gen(9);
  nn::RNNCell first(2, 3, {.generator = &gen}), second(2, 3, {.generator = &gen});
  CHECK(first.weight_ih().value().to_double_vector() != second.weight_ih().value().to_double_vector());
}

TEST_CASE("nn: RNN (tanh, 2 layers, h0) matches PyTorch, outputs and gradients") {
  nn::RNN rnn(3, 4, {.num_layers = 2, .dtype = DType::f64, .seed = 0});
  load_weights(rnn, "rnn_tanh");
  const Var x = leaf("rnn_tanh_x"), h0 = leaf("rnn_tanh_h0");
  const nn::RNNOutput out = rnn.forward(x, h0);
  (weighted("rnn_tanh", "output", out.output) + weighted("rnn_tanh", "h_n", out.h_n)).backward();
  check_close(x.grad(), fixture("rnn_tanh_grad_x"), "grad x");
  check_close(h0.grad(), fixture("rnn_tanh_grad_h0"), "grad h0");
  check_param_grads(rnn, "rnn_tanh");
}

TEST_CASE("nn: RNN (relu, batch_first, zero state) matches PyTorch") {
  nn::RNN rnn(3, 4, {.batch_first = true, .nonlinearity = nn::RNNNonlinearity::relu,
                     .dtype = DType::f64, .seed = 0});
  load_weights(rnn, "rnn_relu");
  const Var x = leaf("rnn_relu_x");  // [N, T, I]
  const nn::RNNOutput out = rnn.forward(x);
  (weighted("rnn_relu", "output", out.output) + weighted("rnn_relu", "h_n", out.h_n)).backward();
  check_close(x.grad(), fixture("rnn_relu_grad_x"), "grad x");
  check_param_grads(rnn, "rnn_relu");
}

TEST_CASE("nn: LSTM (2 layers, h0 and c0) matches PyTorch, outputs and gradients") {
  nn::LSTM lstm(3, 4, {.num_layers = 2, .dtype = DType::f64, .seed = 0});
  load_weights(lstm, "lstm");
  const Var x = leaf("lstm_x"), h0 = leaf("lstm_h0"), c0 = leaf("lstm_c0");
  const nn::LSTMOutput out = lstm.forward(x, {h0, c0});
  (weighted("lstm", "output", out.output) + weighted("lstm", "h_n", out.h_n) +
   weighted("lstm", "c_n", out.c_n))
      .backward();
  check_close(x.grad(), fixture("lstm_grad_x"), "grad x");
  check_close(h0.grad(), fixture("lstm_grad_h0"), "grad h0");
  check_close(c0.grad(), fixture("lstm_grad_c0"), "grad c0");
  check_param_grads(lstm, "lstm");
}

TEST_CASE("nn: GRU matches PyTorch, with and without biases") {
  nn::GRU gru(3, 4, {.num_layers = 2, .dtype = DType::f64, .seed = 0});
  load_weights(gru, "gru");
  const Var x = leaf("gru_x"), h0 = leaf("gru_h0");
  const nn::RNNOutput out = gru.forward(x, h0);
  (weighted("gru", "output", out.output) + weighted("gru", "h_n", out.h_n)).backward();
  check_close(x.grad(), fixture("gru_grad_x"), "grad x");
  check_close(h0.grad(), fixture("gru_grad_h0"), "grad h0");
  check_param_grads(gru, "gru");

  nn::GRU plain(3, 4, {.bias = false, .dtype = DType::f64, .seed = 0});
  load_weights(plain, "gru_nobias");
  const Var x2 = leaf("gru_nobias_x");
  const nn::RNNOutput out2 = plain.forward(x2);
  (weighted("gru_nobias", "output", out2.output) + weighted("gru_nobias", "h_n", out2.h_n)).backward();
  check_close(x2.grad(), fixture("gru_nobias_grad_x"), "grad x");
  check_param_grads(plain, "gru_nobias");
}

TEST_CASE("nn: RNNCell, LSTMCell and GRUCell match PyTorch for one step") {
  {
    nn::RNNCell cell(3, 4, {.dtype = DType::f64});
    load_weights(cell, "rnncell");
    const Var x = leaf("rnncell_x"), h = leaf("rnncell_h0");
    weighted("rnncell", "h", cell.forward(x, h)).backward();
    check_close(x.grad(), fixture("rnncell_grad_x"), "grad x");
    check_close(h.grad(), fixture("rnncell_grad_h0"), "grad h");
    check_param_grads(cell, "rnncell");
  }
  {
    nn::LSTMCell cell(3, 4, {.dtype = DType::f64});
    load_weights(cell, "lstmcell");
    const Var x = leaf("lstmcell_x"), h = leaf("lstmcell_h0"), c = leaf("lstmcell_c0");
    const nn::LSTMState s = cell.forward(x, {h, c});
    (weighted("lstmcell", "h", s.h) + weighted("lstmcell", "c", s.c)).backward();
    check_close(x.grad(), fixture("lstmcell_grad_x"), "grad x");
    check_close(h.grad(), fixture("lstmcell_grad_h0"), "grad h");
    check_close(c.grad(), fixture("lstmcell_grad_c0"), "grad c");
    check_param_grads(cell, "lstmcell");
  }
  {
    nn::GRUCell cell(3, 4, {.dtype = DType::f64});
    load_weights(cell, "grucell");
    const Var x = leaf("grucell_x"), h = leaf("grucell_h0");
    weighted("grucell", "h", cell.forward(x, h)).backward();
    check_close(x.grad(), fixture("grucell_grad_x"), "grad x");
    check_close(h.grad(), fixture("grucell_grad_h0"), "grad h");
    check_param_grads(cell, "grucell");
  }
}

TEST_CASE("nn: one LSTM step passes gradcheck in f64, inputs, state and weights") {
  Generator gen(11);
  auto step = [](const std::vector<Var>& v) {
    const nn::LSTMState s = nn::lstm_cell(v[0], {v[1], v[2]}, {v[3], v[4], v[5], v[6]});
    return cat({s.h, s.c}, 1);
  };
  const std::int64_t N = 2, I = 3, H = 2;
  CHECK(gradcheck(step, {randn({N, I}, gen, DType::f64), randn({N, H}, gen, DType::f64),
                         randn({N, H}, gen, DType::f64), randn({4 * H, I}, gen, DType::f64),
                         randn({4 * H, H}, gen, DType::f64), randn({4 * H}, gen, DType::f64),
                         randn({4 * H}, gen, DType::f64)}));
}

TEST_CASE("nn: a ReLU RNN with identity recurrence sums its inputs and passes gradients undamped") {
  // The IRNN of Le, Jaitly & Hinton (2015): W_hh = I, biases 0. With W_ih = 1
  // and positive inputs, h_t = x_1 + ... + x_t, so d h_T / d x_t = 1 for every t.
  const std::int64_t T = 30;
  nn::RNN rnn(1, 1, {.nonlinearity = nn::RNNNonlinearity::relu, .dtype = DType::f64, .seed = 0});
  {
    NoGradGuard no_grad;
    Tensor(rnn.weights().weight_hh.value()).copy_(eye(1, DType::f64));
    Tensor(rnn.weights().weight_ih.value()).fill_(1.0);
    Tensor(rnn.weights().bias_ih.value()).fill_(0.0);
    Tensor(rnn.weights().bias_hh.value()).fill_(0.0);
  }
  Generator gen(12);
  Var x(tg::add(rand({T, 1, 1}, gen, DType::f64), 0.1), true);
  const nn::RNNOutput out = rnn.forward(x);
  double total = 0;
  for (double v : x.value().to_double_vector()) total += v;
  CHECK(out.h_n.item() == doctest::Approx(total).epsilon(1e-14));
  out.h_n.backward();
  for (double g : x.grad().value().to_double_vector()) CHECK(g == 1.0);
  // Scaling the recurrence by 1.1 makes d h_T / d x_1 grow as 1.1^(T-1): explosion.
  {
    NoGradGuard no_grad;
    Tensor(rnn.weights().weight_hh.value()).fill_(1.1);
  }
  x.zero_grad();
  rnn.forward(x).h_n.backward();
  CHECK(x.grad().value().at({0, 0, 0}) == doctest::Approx(std::pow(1.1, T - 1)).epsilon(1e-12));
}

TEST_CASE("nn: a 200-step unrolled RNN backpropagates and frees its graph") {
  const std::int64_t before = live_node_count();
  {
    nn::RNN rnn(2, 8, {.seed = 1});
    Generator gen(13);
    const Var x(randn({200, 4, 2}, gen));
    const nn::RNNOutput out = rnn.forward(x);
    CHECK(live_node_count() > before + 200);
    sum(out.output).backward();
    for (const auto& p : rnn.named_parameters()) {
      CAPTURE(p.name);
      double norm2 = 0;
      for (double g : p.var.grad().value().to_double_vector()) {
        CHECK(std::isfinite(g));
        norm2 += g * g;
      }
      CHECK(norm2 > 0);
    }
  }
  CHECK(live_node_count() == before);
}

TEST_CASE("nn: a cell stepped by hand gives the sequence layer's outputs") {
  // RNN and RNNCell share rnn_cell; here the loop, the stacking and h_n are checked.
  nn::LSTM lstm(3, 5, {.batch_first = true, .dtype = DType::f64, .seed = 2});
  nn::LSTMCell cell(3, 5, {.dtype = DType::f64, .seed = 99});
  {
    NoGradGuard no_grad;
    Tensor(cell.weight_ih().value()).copy_(lstm.weights().weight_ih.value());
    Tensor(cell.weight_hh().value()).copy_(lstm.weights().weight_hh.value());
    Tensor(cell.bias_ih().value()).copy_(lstm.weights().bias_ih.value());
    Tensor(cell.bias_hh().value()).copy_(lstm.weights().bias_hh.value());
  }
  Generator gen(14);
  const Tensor x = randn({2, 6, 3}, gen, DType::f64);  // [N, T, I]
  const nn::LSTMOutput out = lstm.forward(Var(x));
  nn::LSTMState s;
  for (std::int64_t t = 0; t < 6; ++t) {
    s = cell.forward(Var(x.select(1, t)), s);
    check_close(Var(out.output.value().select(1, t)), s.h.value(), "step " + std::to_string(t));
  }
  check_close(Var(out.h_n.value().select(0, 0)), s.h.value(), "h_n");
  check_close(Var(out.c_n.value().select(0, 0)), s.c.value(), "c_n");
}

TEST_CASE("nn: recurrent layers reject bad sizes, inputs and states with clear errors") {
  using doctest::Contains;
  CHECK_THROWS_WITH_AS(nn::RNNCell(0, 4), Contains("RNNCell: input_size and hidden_size must be >= 1, got 0 and 4"),
                       Error);
  CHECK_THROWS_WITH_AS(nn::LSTM(3, 4, {.num_layers = 0}), Contains("LSTM: num_layers must be >= 1, got 0"), Error);
  CHECK_THROWS_WITH_AS(nn::GRU(3, 4, {.dtype = DType::i64}), Contains("GRU: dtype must be f32 or f64, got i64"),
                       Error);
  nn::GRU gru(3, 4, {.seed = 0});
  CHECK_THROWS_WITH_AS(gru.forward(Var(zeros({5, 3}))),
                       Contains("GRU: expected input [T, N, input_size] with input_size = 3, got [5, 3]"), Error);
  CHECK_THROWS_WITH_AS(gru.forward(Var(zeros({5, 2, 7}))), Contains("input_size = 3, got [5, 2, 7]"), Error);
  CHECK_THROWS_WITH_AS(gru.forward(Var(zeros({5, 2, 3}, DType::f64))),
                       Contains("GRU: input dtype f64 does not match the layer's (f32)"), Error);
  CHECK_THROWS_WITH_AS(gru.forward(Var(zeros({0, 2, 3}))), Contains("GRU: the input [0, 2, 3] has no time steps"),
                       Error);
  CHECK_THROWS_WITH_AS(gru.forward(Var(zeros({5, 2, 3})), Var(zeros({2, 4}))),
                       Contains("GRU: h0 has shape [2, 4], expected [1, 2, 4]"), Error);
  CHECK_THROWS_WITH_AS(gru.weights(1), Contains("GRU: layer 1 does not exist (num_layers = 1)"), Error);
  nn::LSTM lstm(3, 4, {.batch_first = true, .seed = 0});
  CHECK_THROWS_WITH_AS(lstm.forward(Var(zeros({2, 5, 3})), {Var(), Var(zeros({1, 3, 4}))}),
                       Contains("LSTM: c0 has shape [1, 3, 4], expected [1, 2, 4]"), Error);
  CHECK_THROWS_WITH_AS(lstm.forward(Var(zeros({2, 5}))), Contains("expected input [N, T, input_size]"), Error);
  nn::LSTMCell cell(3, 4, {.seed = 0});
  CHECK_THROWS_WITH_AS(cell.forward(Var(zeros({2, 4}))),
                       Contains("LSTMCell: expected input [N, input_size] = [N, 3], got [2, 4]"), Error);
  CHECK_THROWS_WITH_AS(cell.forward(Var(zeros({2, 3})), {Var(zeros({2, 5})), Var()}),
                       Contains("LSTMCell: h has shape [2, 5], expected [2, 4]"), Error);
  nn::RNNCell rnn(3, 4, {.seed = 0});
  CHECK_THROWS_WITH_AS(rnn.forward(Var(zeros({2, 3})), Var(zeros({2, 4}, DType::f64))),
                       Contains("RNNCell: h dtype f64 does not match the layer's (f32)"), Error);
}
