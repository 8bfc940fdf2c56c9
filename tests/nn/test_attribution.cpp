// Gradient-norm attribution against gradients computed by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>

#include "autodiff/autodiff.hpp"
#include "nn/attribution.hpp"
#include "nn/module.hpp"
#include "nn/regularizers.hpp"
#include "tensor/creation.hpp"

using namespace tg;

namespace {

// weight w = (3, -4), bias b = 0.5, and a parameter no term uses.
struct Tiny : nn::Module {
  Var weight, bias, unused;
  Tiny() {
    weight = register_parameter("weight", tensor({3.0, -4.0}, DType::f64), nn::ParamRole::weight);
    bias = register_parameter("bias", scalar(0.5, DType::f64), nn::ParamRole::bias);
    unused = register_parameter("unused", tensor({1.0}, DType::f64), nn::ParamRole::bias);
  }
};

// data = w . (1, 1) + 3 b: d/dw = (1, 1), d/db = 3.
Var data_term(const Tiny& m) { return sum(m.weight) + 3.0 * m.bias; }

}  // namespace

TEST_CASE("nn: attribution splits each gradient into the terms' shares") {
  Tiny m;
  const Var data = data_term(m);
  const Var reg = nn::l2(nn::weights_only(m), 1.0);  // d/dw = w = (3, -4)
  const auto report = nn::attribute_gradients({{"data", data}, {"l2", reg}}, m.named_parameters());
  REQUIRE(report.parameters.size() == 3);
  CHECK(report.terms == std::vector<std::string>{"data", "l2"});

  // weight: g = (1, 1) + (3, -4) = (4, -3), |g| = 5; shares <g_t, g> / 25.
  const auto& w = report.parameters[0];
  CHECK(w.name == "weight");
  CHECK(w.total_norm == doctest::Approx(5.0));
  CHECK(w.term_norms[0] == doctest::Approx(std::sqrt(2.0)));
  CHECK(w.term_norms[1] == doctest::Approx(5.0));
  CHECK(w.shares[0] == doctest::Approx(1.0 / 25));
  CHECK(w.shares[1] == doctest::Approx(24.0 / 25));
  // bias: only the data term touches it; l2 contributes exactly 0.
  const auto& b = report.parameters[1];
  CHECK(b.total_norm == doctest::Approx(3.0));
  CHECK(b.term_norms[1] == 0.0);
  CHECK(b.shares[0] == doctest::Approx(1.0));
  CHECK(b.shares[1] == 0.0);
  // a parameter no term uses: everything 0, never NaN.
  const auto& u = report.parameters[2];
  CHECK(u.total_norm == 0.0);
  CHECK(u.shares == std::vector<double>{0.0, 0.0});
  // all parameters as one vector: g = (4, -3, 3, 0), data (1, 1, 3, 0), l2 (3, -4, 0, 0).
  CHECK(report.all.total_norm == doctest::Approx(std::sqrt(34.0)));
  CHECK(report.all.shares[0] == doctest::Approx(10.0 / 34));
  CHECK(report.all.shares[1] == doctest::Approx(24.0 / 34));
  for (const auto* p : {&w, &b, &report.all}) CHECK(p->shares[0] + p->shares[1] == doctest::Approx(1.0));

  // No .grad() was written, and the graph is still there for the real backward.
  CHECK_FALSE(m.weight.grad().defined());
  (data + reg).backward();
  CHECK(m.weight.grad().value().to_double_vector() == std::vector<double>{4.0, -3.0});
}

TEST_CASE("nn: attribution shares can be negative when terms pull apart") {
  Tiny m;
  // t1 = 2 w0, t2 = -w0 + 0.5 w1 ... on the first coordinate they oppose.
  const Var t1 = 2.0 * slice(m.weight, 0, 0, 1);
  const Var t2 = sum(m.weight * Var(tensor({-1.0, 0.5}, DType::f64)));
  const auto r = nn::attribute_gradients({{"a", sum(t1)}, {"b", t2}}, {m.named_parameters()[0]});
  // g_a = (2, 0), g_b = (-1, 0.5), g = (1, 0.5), |g|^2 = 1.25.
  CHECK(r.parameters[0].shares[0] == doctest::Approx(2.0 / 1.25));
  CHECK(r.parameters[0].shares[1] == doctest::Approx(-0.75 / 1.25));
}

TEST_CASE("nn: a constant term contributes nothing") {
  Tiny m;
  const Var constant(scalar(7.0, DType::f64));
  const auto r = nn::attribute_gradients({{"data", data_term(m)}, {"const", constant}},
                                         m.named_parameters());
  CHECK(r.parameters[0].term_norms[1] == 0.0);
  CHECK(r.parameters[0].shares[0] == doctest::Approx(1.0));
}

TEST_CASE("nn: the attribution table lists every parameter and term") {
  Tiny m;
  const auto r = nn::attribute_gradients(
      {{"data", data_term(m)}, {"l2", nn::l2(nn::weights_only(m), 1.0)}}, m.named_parameters());
  const std::string table = r.to_string();
  CHECK(table.find("parameter") == 0);
  CHECK(table.find("data |g|") != std::string::npos);
  CHECK(table.find("l2 |g|") != std::string::npos);
  CHECK(table.find("\nweight ") != std::string::npos);
  CHECK(table.find("\nall ") != std::string::npos);
  CHECK(table.find("5.000e+00") != std::string::npos);  // |g| of weight
  CHECK(table.find(" 0.960") != std::string::npos);     // l2's share of weight
  // Every line has the same width.
  std::size_t start = 0, width = table.find('\n');
  while (start < table.size()) {
    const std::size_t end = table.find('\n', start);
    CHECK(end - start == width);
    start = end + 1;
  }
}

TEST_CASE("nn: attribution errors name the term or parameter") {
  Tiny m;
  const Var vec = m.weight * 2.0;
  CHECK_THROWS_WITH_AS(nn::attribute_gradients({{"vec", vec}}, m.named_parameters()),
                       doctest::Contains("term 'vec' has shape [2]; expected a scalar"), Error);
  const Var d = data_term(m);
  CHECK_THROWS_WITH_AS(nn::attribute_gradients({{"x", d}, {"x", d}}, m.named_parameters()),
                       doctest::Contains("two terms are named 'x'"), Error);
  nn::ParameterList frozen{{"frozen", Var(scalar(1.0, DType::f64)), nn::ParamRole::bias}};
  CHECK_THROWS_WITH_AS(nn::attribute_gradients({{"x", d}}, frozen),
                       doctest::Contains("parameter 'frozen' does not require a gradient"), Error);
  CHECK_THROWS_WITH_AS(nn::attribute_gradients({}, frozen), doctest::Contains("no loss terms"),
                       Error);
}
