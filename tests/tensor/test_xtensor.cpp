// Tests for xtensor interop: zero copy both ways (a write through one side
// is read through the other), strides of transposed and sliced views, and
// copying arbitrary xtensor expressions.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include <xtensor/xarray.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

#include "tensor/creation.hpp"
#include "tensor/tensor.hpp"
#include "tensor/xtensor.hpp"

using tg::DType;
using tg::Tensor;

TEST_CASE("xtensor: as_xtensor is a zero-copy view, writable both ways") {
  Tensor x = tg::arange(6, DType::f64).reshape({2, 3});
  auto v = tg::as_xtensor<double>(x);
  CHECK(v.dimension() == 2);
  CHECK(v.shape()[0] == 2);
  CHECK(v.shape()[1] == 3);
  CHECK(v(1, 2) == 5);
  CHECK(&v(0, 0) == x.data<double>());
  v(0, 1) = 42;                   // xtensor -> tensor
  CHECK(x.at({0, 1}) == 42);
  x.fill_(7);                     // tensor -> xtensor
  CHECK(v(1, 0) == 7);
  v += 1;                         // an xtensor expression assigned in place
  CHECK(x.to_double_vector() == std::vector<double>(6, 8));
}

TEST_CASE("xtensor: transposed and sliced tensors keep their strides") {
  Tensor x = tg::arange(12, DType::i64).reshape({3, 4});
  Tensor t = x.transpose(0, 1);  // [4, 3], strides [1, 4]
  auto vt = tg::as_xtensor<std::int64_t>(t);
  CHECK(vt.strides()[0] == 1);
  CHECK(vt.strides()[1] == 4);
  CHECK(vt(3, 2) == x.at({2, 3}));
  auto vx = tg::as_xtensor<std::int64_t>(x);
  CHECK(vt == xt::transpose(vx));
  vt(1, 0) = -1;
  CHECK(x.at({0, 1}) == -1);

  Tensor s = x.slice(1, 1, 4, 2);  // columns 1 and 3, offset 1
  auto vs = tg::as_xtensor<std::int64_t>(s);
  CHECK(vs.shape()[1] == 2);
  CHECK(vs(2, 1) == 11);
  CHECK(vs.strides()[1] == 2);
  // A [1, 4] view broadcasts against [3, 4] like any xtensor expression.
  auto row = tg::as_xtensor<std::int64_t>(x.narrow(0, 2, 1));
  xt::xarray<std::int64_t> sum = row + xt::zeros<std::int64_t>({3, 4});
  CHECK(sum(2, 3) == 11);
  CHECK(sum(0, 0) == 8);
}

TEST_CASE("xtensor: the view keeps the storage alive") {
  auto v = [] {
    Tensor x = tg::full({4}, 2.5, DType::f32);
    return tg::as_xtensor<float>(x);
  }();  // every Tensor handle is gone now
  CHECK(v(3) == 2.5f);
}

TEST_CASE("xtensor: as_xtensor checks the dtype") {
  CHECK_THROWS_WITH_AS(tg::as_xtensor<double>(tg::zeros({2, 3})),
                       "as_xtensor: expected dtype f64, got f32 (shape [2, 3])", tg::Error);
  CHECK_THROWS_AS(tg::as_xtensor<float>(Tensor()), tg::Error);
}

TEST_CASE("xtensor: from_xtensor views xtensor memory without copying") {
  xt::xarray<double> a = {{1, 2, 3}, {4, 5, 6}};
  Tensor t = tg::from_xtensor(a);
  CHECK(t.dtype() == DType::f64);
  CHECK(t.shape() == tg::Shape{2, 3});
  CHECK(t.raw_data() == a.data());
  CHECK(t.to_double_vector() == std::vector<double>{1, 2, 3, 4, 5, 6});
  a(1, 2) = 60;                    // xtensor -> tensor
  CHECK(t.at({1, 2}) == 60);
  t.select(0, 0).fill_(0);         // tensor -> xtensor
  CHECK(a(0, 2) == 0);
  CHECK(a(1, 0) == 4);

  // Column-major containers give column-major tensors with the right values.
  xt::xarray<float, xt::layout_type::column_major> f = {{1, 2, 3}, {4, 5, 6}};
  Tensor tf = tg::from_xtensor(f);
  CHECK(tf.strides() == tg::Strides{1, 2});
  CHECK(tf.to_double_vector() == std::vector<double>{1, 2, 3, 4, 5, 6});

  xt::xtensor<std::int64_t, 1> i = {7, 8, 9};
  CHECK(tg::from_xtensor(i).at({2}) == 9);
  CHECK(tg::from_xtensor(i).dtype() == DType::i64);
}

TEST_CASE("xtensor: gapped, offset and expanded views") {
  Tensor x = tg::arange(24, DType::f64).reshape({2, 3, 4});
  Tensor s = x.select(1, 2).slice(1, 1, 4, 2);  // x[:, 2, 1::2], offset 9
  auto v = tg::as_xtensor<double>(s);
  CHECK(v == xt::xarray<double>{{9, 11}, {21, 23}});
  v.fill(-1);  // touches only the four viewed elements
  CHECK(x.at({0, 2, 1}) == -1);
  CHECK(x.at({0, 2, 2}) == 10);
  CHECK(x.at({1, 2, 3}) == -1);
  Tensor e = tg::tensor({1, 2, 3}).expand({2, 3});  // stride 0
  CHECK(tg::as_xtensor<float>(e) == xt::xarray<float>{{1, 2, 3}, {1, 2, 3}});
  CHECK(tg::as_xtensor<double>(tg::scalar(4, DType::f64))() == 4);
}

TEST_CASE("xtensor: copy_from_xtensor evaluates any expression into a new tensor") {
  xt::xarray<double> a = {{0, 1}, {2, 3}};
  Tensor e = tg::copy_from_xtensor(2.0 * a + 1.0);
  CHECK(e.shape() == tg::Shape{2, 2});
  CHECK(e.to_double_vector() == std::vector<double>{1, 3, 5, 7});
  CHECK(e.raw_data() != a.data());
  Tensor tr = tg::copy_from_xtensor(xt::transpose(a));
  CHECK(tr.is_contiguous());
  CHECK(tr.to_double_vector() == std::vector<double>{0, 2, 1, 3});
  Tensor col = tg::copy_from_xtensor(xt::view(a, xt::all(), 1));
  CHECK(col.to_double_vector() == std::vector<double>{1, 3});
  Tensor z = tg::copy_from_xtensor(xt::cast<float>(xt::zeros<int>({3})));
  CHECK(z.dtype() == DType::f32);
  CHECK(z.to_double_vector() == std::vector<double>{0, 0, 0});
  a(0, 0) = 100;  // the copy does not follow
  CHECK(e.at({0, 0}) == 1);
}
