// Runs the gradient-check table (gradcheck_rows.cpp) at first and second
// order, checks that every primitive of the op table has a row, and shows
// that gradcheck does catch a wrong backward.
#include <doctest/doctest.h>

#include <set>

#include "gradcheck_rows.hpp"

using namespace tg;
using tg::testing::gradcheck_rows;

TEST_CASE("autodiff: every gradcheck row passes at first order") {
  for (const auto& row : gradcheck_rows()) {
    CAPTURE(row.op);
    CAPTURE(row.label);
    const GradcheckResult r = gradcheck(row.f, row.inputs, row.options);
    CHECK_MESSAGE(r.passed, r.report);
  }
}

TEST_CASE("autodiff: every gradcheck row passes at second order") {
  for (const auto& row : gradcheck_rows()) {
    if (!row.second_order) continue;
    CAPTURE(row.op);
    CAPTURE(row.label);
    const GradcheckResult r = gradgradcheck(row.f, row.inputs, row.options);
    CHECK_MESSAGE(r.passed, r.report);
  }
}

TEST_CASE("autodiff: every primitive in the op table has a gradcheck row") {
  std::set<std::string> covered;
  for (const auto& row : gradcheck_rows()) covered.insert(row.op);
  std::set<std::string> missing;
#define TG_CHECK_COVERED(name, arity) \
  if (!covered.count(#name)) missing.insert(#name);
  TG_PRIMITIVES(TG_CHECK_COVERED)
#undef TG_CHECK_COVERED
  std::string list;
  for (const auto& m : missing) list += m + " ";
  CHECK_MESSAGE(missing.empty(), "primitives without a gradcheck row: " << list);
  CHECK(kNumPrimitives >= 30);
}

TEST_CASE("autodiff: gradcheck catches a backward that is off by 1%") {
  // exp with a deliberately wrong derivative: 1.01 e^x instead of e^x.
  const VarFunction wrong_exp = [](const std::vector<Var>& v) {
    return record(OpId::exp, tg::exp(v[0].value()), {v[0]},
                  [](const Node& n, const Var& grad) -> Grads { return {grad * n.out() * 1.01}; });
  };
  const GradcheckResult r = gradcheck(wrong_exp, {tg::testing::normal64({3}, 1)});
  CHECK_FALSE(r.passed);
  CHECK(r.report.find("gradcheck: d output[") != std::string::npos);
  // ...and the same op with the right derivative passes.
  CHECK(gradcheck([](const std::vector<Var>& v) { return exp(v[0]); }, {tg::testing::normal64({3}, 1)}));
}

TEST_CASE("autodiff: gradcheck refuses inputs that alias memory") {
  const Tensor x = tg::testing::normal64({4}, 2);
  const VarFunction f = [](const std::vector<Var>& v) { return v[0] * v[1]; };
  CHECK_THROWS_WITH_AS(gradcheck(f, {x, x.slice(0, 0, 4)}), doctest::Contains("share memory"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(gradcheck(f, {x, x}), doctest::Contains("inputs 0 and 1 share memory"), tg::Error);
  CHECK_THROWS_WITH_AS(gradcheck(f, {x, tg::testing::normal64({1}, 3).expand({4})}),
                       doctest::Contains("expanded view"), tg::Error);
}

TEST_CASE("autodiff: gradgradcheck catches a backward written with constants") {
  // tanh whose backward detaches tanh(x): right at first order, but its own
  // derivative is lost, so the second order must fail.
  const VarFunction detached_tanh = [](const std::vector<Var>& v) {
    return record(OpId::tanh, tg::tanh(v[0].value()), {v[0]}, [](const Node& n, const Var& grad) -> Grads {
      const Var out = n.out().detach();
      return {grad * (1.0 - out * out)};
    });
  };
  const Tensor x = tg::testing::normal64({3}, 4);
  CHECK(gradcheck(detached_tanh, {x}));
  const GradcheckResult second = gradgradcheck(detached_tanh, {x});
  CHECK_FALSE(second.passed);
  CHECK(gradgradcheck([](const std::vector<Var>& v) { return tanh(v[0]); }, {x}));
}
