// Tests for printing: exact strings for the cases people see most. The
// expected text is what PyTorch prints for the same values (its repr is
// NumPy's layout with 4 decimals), plus our ", dtype=..." suffix.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/print.hpp"
#include "tensor/tensor.hpp"

using tg::DType;
using tg::Tensor;

TEST_CASE("print: integer-valued floats print as '1.' in aligned rows") {
  CHECK(tg::to_string(tg::tensor({{1, 2}, {3, 4}})) ==
        "tensor([[1., 2.],\n"
        "        [3., 4.]], dtype=f32)");
  CHECK(tg::to_string(tg::tensor({-1, 20, 300}, DType::f64)) ==
        "tensor([ -1.,  20., 300.], dtype=f64)");
  CHECK(tg::to_string(tg::zeros({2})) == "tensor([0., 0.], dtype=f32)");
  std::ostringstream os;
  os << tg::tensor({{1, 2}, {3, 4}});
  CHECK(os.str() == tg::to_string(tg::tensor({{1, 2}, {3, 4}})));
}

TEST_CASE("print: other floats get 4 decimals, one width for all") {
  CHECK(tg::to_string(tg::tensor({1.0 / 3, 2.0 / 3})) == "tensor([0.3333, 0.6667], dtype=f32)");
  CHECK(tg::to_string(tg::tensor({-1.5, 2.25, 10}, DType::f64)) ==
        "tensor([-1.5000,  2.2500, 10.0000], dtype=f64)");
}

TEST_CASE("print: scientific notation for wide ranges, huge or tiny values") {
  CHECK(tg::to_string(tg::tensor({1e10, 1}, DType::f64)) ==
        "tensor([1.0000e+10, 1.0000e+00], dtype=f64)");
  CHECK(tg::to_string(tg::tensor({1, 1e4})) == "tensor([1.0000e+00, 1.0000e+04], dtype=f32)");
  CHECK(tg::to_string(tg::tensor({1e-5, 2e-5}, DType::f64)) ==
        "tensor([1.0000e-05, 2.0000e-05], dtype=f64)");
  CHECK(tg::to_string(tg::scalar(1e10, DType::f64)) == "tensor(1.0000e+10, dtype=f64)");
}

TEST_CASE("print: nan and inf") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(tg::to_string(tg::tensor({1, nan, inf})) == "tensor([1., nan, inf], dtype=f32)");
  CHECK(tg::to_string(tg::tensor({0.5, -inf, 100}, DType::f64)) ==
        "tensor([  0.5000,     -inf, 100.0000], dtype=f64)");
  CHECK(tg::to_string(tg::tensor({nan, nan})) == "tensor([nan, nan], dtype=f32)");
}

TEST_CASE("print: i64 prints integers") {
  CHECK(tg::to_string(tg::arange(6).reshape({2, 3})) ==
        "tensor([[0, 1, 2],\n"
        "        [3, 4, 5]], dtype=i64)");
  CHECK(tg::to_string(tg::from_vector(std::vector<std::int64_t>{1, -20, 300})) ==
        "tensor([  1, -20, 300], dtype=i64)");
  CHECK(tg::to_string(tg::from_vector(std::vector<std::int64_t>{9007199254740993})) ==
        "tensor([9007199254740993], dtype=i64)");  // 2^53 + 1, not rounded through double
}

TEST_CASE("print: 0-d, empty and undefined tensors") {
  CHECK(tg::to_string(tg::scalar(3)) == "tensor(3., dtype=f32)");
  CHECK(tg::to_string(tg::scalar(0.25, DType::f64)) == "tensor(0.2500, dtype=f64)");
  CHECK(tg::to_string(tg::scalar(7, DType::i64)) == "tensor(7, dtype=i64)");
  CHECK(tg::to_string(tg::zeros({0, 3})) == "tensor([], shape=[0, 3], dtype=f32)");
  CHECK(tg::to_string(tg::zeros({0}, DType::i64)) == "tensor([], shape=[0], dtype=i64)");
  CHECK(tg::to_string(Tensor()) == "tensor(undefined)");
}

TEST_CASE("print: 3-d tensors separate matrices by a blank line") {
  CHECK(tg::to_string(tg::arange(0, 8, 1).reshape({2, 2, 2})) ==
        "tensor([[[0., 1.],\n"
        "         [2., 3.]],\n"
        "\n"
        "        [[4., 5.],\n"
        "         [6., 7.]]], dtype=f32)");
}

TEST_CASE("print: views print their logical order") {
  CHECK(tg::to_string(tg::arange(6).reshape({2, 3}).transpose(0, 1)) ==
        "tensor([[0, 3],\n"
        "        [1, 4],\n"
        "        [2, 5]], dtype=i64)");
  CHECK(tg::to_string(tg::tensor({1, 2}).expand({2, 2})) ==
        "tensor([[1., 2.],\n"
        "        [1., 2.]], dtype=f32)");
}

TEST_CASE("print: long rows wrap at 80 columns") {
  std::vector<double> v;
  for (int i = 0; i < 20; ++i) v.push_back(i / 10.0);
  CHECK(tg::to_string(tg::from_vector(v)) ==
        "tensor([0.0000, 0.1000, 0.2000, 0.3000, 0.4000, 0.5000, 0.6000, 0.7000, 0.8000,\n"
        "        0.9000, 1.0000, 1.1000, 1.2000, 1.3000, 1.4000, 1.5000, 1.6000, 1.7000,\n"
        "        1.8000, 1.9000], dtype=f64)");
}

TEST_CASE("print: more than 1000 elements are summarised with '...'") {
  CHECK(tg::to_string(tg::arange(2000)) ==
        "tensor([   0,    1,    2,  ..., 1997, 1998, 1999], dtype=i64)");
  CHECK(tg::to_string(tg::ones({2000})) == "tensor([1., 1., 1.,  ..., 1., 1., 1.], dtype=f32)");
  CHECK(tg::to_string(tg::arange(2000).reshape({40, 50})) ==
        "tensor([[   0,    1,    2,  ...,   47,   48,   49],\n"
        "        [  50,   51,   52,  ...,   97,   98,   99],\n"
        "        [ 100,  101,  102,  ...,  147,  148,  149],\n"
        "        ...,\n"
        "        [1850, 1851, 1852,  ..., 1897, 1898, 1899],\n"
        "        [1900, 1901, 1902,  ..., 1947, 1948, 1949],\n"
        "        [1950, 1951, 1952,  ..., 1997, 1998, 1999]], dtype=i64)");
  // Exactly 1000 elements are all shown.
  CHECK(tg::to_string(tg::zeros({1000})).find("...") == std::string::npos);
}
