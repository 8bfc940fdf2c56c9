// The gradient-check table: one or more rows per primitive and composite.
// Each row names the op it covers, builds its f64 inputs (respecting the
// op's domain and staying away from kinks), and says whether second
// derivatives are checked too. test_gradcheck_table.cpp runs every row and
// checks that every entry of autodiff/op_table.hpp is covered.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/random.hpp"

namespace tg::testing {

struct GradcheckRow {
  std::string op;     // the op-table entry (or composite) this row covers
  std::string label;  // what is special about this row
  VarFunction f;
  std::vector<Tensor> inputs;
  bool second_order = true;
  GradcheckOptions options = {};
};

inline Tensor normal64(const Shape& shape, std::uint64_t seed) {
  Generator gen(seed);
  return randn(shape, gen, DType::f64);
}

/// Values in [lo, hi] (for domains like log's x > 0).
inline Tensor uniform64(const Shape& shape, double lo, double hi, std::uint64_t seed) {
  Generator gen(seed);
  return uniform(shape, lo, hi, gen, DType::f64);
}

/// Values with |x| in [0.2, 1.5] and random signs: far from kinks at 0.
inline Tensor away_from_zero(const Shape& shape, std::uint64_t seed) {
  Generator gen(seed);
  const Tensor magnitude = uniform(shape, 0.2, 1.5, gen, DType::f64);
  const Tensor sign = sub(mul(bernoulli(shape, 0.5, gen, DType::f64), 2.0), 1.0);
  return mul(magnitude, sign);
}

std::vector<GradcheckRow> gradcheck_rows();

}  // namespace tg::testing
