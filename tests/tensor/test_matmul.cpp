// Tests for tg::matmul (tensor/linalg.hpp): NumPy semantics for 2-d,
// batched, broadcast and vector operands; transposed and strided views; empty
// dimensions; and every error. Results are compared with a plain reference
// written here from the definition, element by element through Tensor::at.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/linalg.hpp"
#include "tensor/parallel.hpp"
#include "tensor/random.hpp"

using tg::DType;
using tg::Shape;
using tg::Tensor;

namespace {

// Calls fn(index) for every index of `shape` in row-major order.
void for_each_index(const Shape& shape, const std::function<void(const Shape&)>& fn) {
  for (std::int64_t d : shape)
    if (d == 0) return;
  Shape index(shape.size(), 0);
  while (true) {
    fn(index);
    std::size_t axis = shape.size();
    while (axis > 0 && ++index[axis - 1] == shape[axis - 1]) index[--axis] = 0;
    if (axis == 0) return;
  }
}

// The index into an operand of shape `shape` for a broadcast batch index,
// followed by the matrix index (row, col).
Shape operand_index(const Shape& shape, const Shape& batch_index, std::int64_t row,
                    std::int64_t col) {
  const std::size_t batch_dims = shape.size() - 2;
  Shape index;
  for (std::size_t i = 0; i < batch_dims; ++i) {
    const std::int64_t b = batch_index[batch_index.size() - batch_dims + i];
    index.push_back(shape[i] == 1 ? 0 : b);
  }
  index.push_back(row);
  index.push_back(col);
  return index;
}

// matmul from its definition: promote vectors, broadcast batch axes, sum over k.
// Returns the values in row-major order and the result shape.
std::pair<std::vector<double>, Shape> reference_matmul(const Tensor& a_in, const Tensor& b_in) {
  const Tensor a = a_in.dim() == 1 ? a_in.unsqueeze(0) : a_in;
  const Tensor b = b_in.dim() == 1 ? b_in.unsqueeze(1) : b_in;
  const std::int64_t M = a.size(-2), K = a.size(-1), N = b.size(-1);
  const Shape batch = tg::broadcast_shapes(Shape(a.shape().begin(), a.shape().end() - 2),
                                           Shape(b.shape().begin(), b.shape().end() - 2), "ref");
  std::vector<double> out;
  for_each_index(batch, [&](const Shape& bi) {
    for (std::int64_t i = 0; i < M; ++i)
      for (std::int64_t j = 0; j < N; ++j) {
        double acc = 0;
        for (std::int64_t k = 0; k < K; ++k)
          acc += a.at(operand_index(a.shape(), bi, i, k)) * b.at(operand_index(b.shape(), bi, k, j));
        out.push_back(acc);
      }
  });
  Shape shape = batch;
  if (a_in.dim() > 1) shape.push_back(M);
  if (b_in.dim() > 1) shape.push_back(N);
  return {out, shape};
}

void check_matches_reference(const Tensor& a, const Tensor& b) {
  INFO(tg::shape_str(a.shape()), " @ ", tg::shape_str(b.shape()));
  const Tensor got = tg::matmul(a, b);
  const auto [want, want_shape] = reference_matmul(a, b);
  CHECK(got.shape() == want_shape);
  CHECK(got.dtype() == a.dtype());
  const std::vector<double> values = got.to_double_vector();
  REQUIRE(values.size() == want.size());
  const double tol = a.dtype() == DType::f32 ? 1e-5 : 1e-12;
  const double k = static_cast<double>(a.size(-1));
  for (std::size_t i = 0; i < values.size(); ++i)
    CHECK(std::abs(values[i] - want[i]) <= tol * (k + 1));
}

}  // namespace

TEST_CASE("matmul: a 2x2 product by hand") {
  const Tensor c = tg::matmul(tg::tensor({{1, 2}, {3, 4}}), tg::tensor({{5, 6}, {7, 8}}));
  CHECK(c.to_double_vector() == std::vector<double>{19, 22, 43, 50});
}

TEST_CASE("matmul: 2-d shapes match the reference in f32 and f64") {
  tg::Generator gen(11);
  for (DType dt : {DType::f32, DType::f64})
    for (auto [M, K, N] : {std::array<std::int64_t, 3>{1, 1, 1}, {3, 4, 5}, {32, 17, 10},
                           {70, 50, 40}, {13, 300, 33}})
      check_matches_reference(tg::randn({M, K}, gen, dt), tg::randn({K, N}, gen, dt));
}

TEST_CASE("matmul: batch axes broadcast like NumPy") {
  tg::Generator gen(12);
  check_matches_reference(tg::randn({3, 4, 5}, gen), tg::randn({5, 6}, gen));
  check_matches_reference(tg::randn({4, 5}, gen), tg::randn({2, 5, 3}, gen));
  check_matches_reference(tg::randn({2, 1, 4, 5}, gen), tg::randn({3, 5, 6}, gen));
  check_matches_reference(tg::randn({2, 3, 4, 5}, gen, DType::f64),
                          tg::randn({2, 3, 5, 2}, gen, DType::f64));
  check_matches_reference(tg::randn({1, 4, 5}, gen), tg::randn({3, 1, 5, 2}, gen));
}

TEST_CASE("matmul: 1-d operands are vectors and their axis is removed") {
  tg::Generator gen(13);
  const Tensor v = tg::randn({5}, gen);
  check_matches_reference(v, tg::randn({5, 3}, gen));        // [5] @ [5, 3] -> [3]
  check_matches_reference(tg::randn({4, 5}, gen), v);        // [4, 5] @ [5] -> [4]
  check_matches_reference(v, tg::randn({5}, gen));           // [5] @ [5] -> []
  check_matches_reference(v, tg::randn({2, 5, 3}, gen));     // -> [2, 3]
  check_matches_reference(tg::randn({2, 4, 5}, gen), v);     // -> [2, 4]
  CHECK(tg::matmul(v, v).dim() == 0);
  const Tensor dot = tg::matmul(tg::tensor({1, 2, 3}), tg::tensor({4, 5, 6}));
  CHECK(dot.item() == 32);
}

TEST_CASE("matmul: transposed, padded, sliced and expanded views") {
  tg::Generator gen(14);
  const Tensor at = tg::randn({50, 40}, gen).transpose(0, 1);  // [40, 50], strides [1, 40]
  const Tensor bt = tg::randn({30, 50}, gen).transpose(0, 1);  // [50, 30], strides [1, 50]
  CHECK_FALSE(at.is_contiguous());
  check_matches_reference(at, tg::randn({50, 30}, gen));
  check_matches_reference(tg::randn({40, 50}, gen), bt);
  check_matches_reference(at, bt);
  // Batched transposes (x.transpose(-1, -2)).
  check_matches_reference(tg::randn({3, 7, 6}, gen).transpose(-1, -2),
                          tg::randn({3, 8, 7}, gen).transpose(-1, -2));
  // Padded rows: a column range of a wider matrix (row stride > width).
  check_matches_reference(tg::randn({20, 33}, gen).narrow(1, 2, 25), tg::randn({25, 9}, gen));
  // Every other row and every other column: copied, still correct.
  check_matches_reference(tg::randn({20, 30}, gen).slice(0, 0, 20, 2).slice(1, 0, 30, 3),
                          tg::randn({10, 4}, gen));
  // An expanded (stride 0) batch axis and an expanded row.
  check_matches_reference(tg::randn({1, 4, 5}, gen).expand({3, 4, 5}), tg::randn({3, 5, 2}, gen));
  check_matches_reference(tg::randn({1, 5}, gen).expand({4, 5}), tg::randn({5, 6}, gen));
}

TEST_CASE("matmul: empty dimensions") {
  const Tensor k0 = tg::matmul(tg::ones({3, 0}), tg::ones({0, 4}));
  CHECK(k0.shape() == Shape{3, 4});
  CHECK(k0.to_double_vector() == std::vector<double>(12, 0.0));
  CHECK(tg::matmul(tg::ones({0, 5}), tg::ones({5, 4})).shape() == Shape{0, 4});
  CHECK(tg::matmul(tg::ones({3, 5}), tg::ones({5, 0})).shape() == Shape{3, 0});
  CHECK(tg::matmul(tg::ones({0, 3, 5}), tg::ones({5, 2})).shape() == Shape{0, 3, 2});
  CHECK(tg::matmul(tg::ones({2, 3, 0}), tg::ones({0, 2})).to_double_vector() ==
        std::vector<double>(12, 0.0));
}

TEST_CASE("matmul: a batch of small matrices is the same for 1 and 2 threads") {
  tg::Generator gen(15);
  const Tensor a = tg::randn({64, 7, 9}, gen), b = tg::randn({64, 9, 5}, gen);
  const int saved = tg::get_num_threads();
  tg::set_num_threads(1);
  const std::vector<float> one = tg::matmul(a, b).to_vector<float>();
  tg::set_num_threads(2);
  const std::vector<float> two = tg::matmul(a, b).to_vector<float>();
  tg::set_num_threads(saved);
  CHECK(one == two);
  check_matches_reference(a, b);
}

TEST_CASE("matmul: errors name the op, dtypes and shapes") {
  CHECK_THROWS_WITH_AS(tg::matmul(tg::zeros({32, 784}), tg::zeros({128, 10})),
                       "matmul: inner dimensions differ: [32, 784] @ [128, 10] (784 != 128)",
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::matmul(tg::zeros({3}), tg::zeros({4})),
                       "matmul: inner dimensions differ: [3] @ [4] (3 != 4)", tg::Error);
  CHECK_THROWS_WITH_AS(tg::matmul(tg::zeros({2, 3}), tg::zeros({2, 3}, DType::f64)),
                       doctest::Contains("matmul: expected two floating tensors of the same dtype, "
                                         "got f32 [2, 3] @ f64 [2, 3]"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::matmul(tg::zeros({2, 3}, DType::i64), tg::zeros({3, 2}, DType::i64)),
                       doctest::Contains("got i64 [2, 3] @ i64 [3, 2]"), tg::Error);
  CHECK_THROWS_WITH_AS(tg::matmul(tg::scalar(2), tg::zeros({3})),
                       doctest::Contains("matmul: expected operands with at least 1 dimension, "
                                         "got [] @ [3]"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::matmul(tg::zeros({2, 3, 4}), tg::zeros({5, 4, 6})),
                       "matmul: batch dimensions [2] and [5] of [2, 3, 4] @ [5, 4, 6] cannot be "
                       "broadcast",
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::matmul(Tensor(), tg::zeros({3})), doctest::Contains("matmul"),
                       tg::Error);
}
