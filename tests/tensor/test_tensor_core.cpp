// Tests for the Tensor handle: metadata, views sharing storage, copies,
// conversions, factories and every error the core can raise.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/indexing.hpp"
#include "tensor/tensor.hpp"

using tg::DType;
using tg::Tensor;

namespace {
std::vector<double> values(const Tensor& t) { return t.to_double_vector(); }
}  // namespace

TEST_CASE("tensor: a handle shares data, clone copies it") {
  Tensor a = tg::zeros({2, 3});
  Tensor b = a;  // handle copy
  b.fill_(7);
  CHECK(a.at({1, 2}) == 7);
  Tensor c = a.clone();
  c.fill_(1);
  CHECK(a.at({0, 0}) == 7);
  CHECK_FALSE(c.shares_storage(a));
  CHECK(a.dtype() == DType::f32);
  CHECK(a.numel() == 6);
  CHECK(a.dim() == 2);
  CHECK(a.size(-1) == 3);
}

TEST_CASE("tensor: storage is 64-byte aligned") {
  for (std::int64_t n : {1, 3, 17, 1000}) {
    Tensor t = tg::empty({n}, DType::f64);
    CHECK(reinterpret_cast<std::uintptr_t>(t.storage()->data()) % 64 == 0);
  }
}

TEST_CASE("tensor: factories") {
  CHECK(values(tg::ones({3})) == std::vector<double>{1, 1, 1});
  CHECK(values(tg::full({2}, 2.5, DType::f64)) == std::vector<double>{2.5, 2.5});
  CHECK(values(tg::arange(4)) == std::vector<double>{0, 1, 2, 3});
  CHECK(tg::arange(4).dtype() == DType::i64);
  CHECK(values(tg::arange(0, 1, 0.25)) == std::vector<double>{0, 0.25, 0.5, 0.75});
  CHECK(values(tg::arange(3, 0, -1)) == std::vector<double>{3, 2, 1});
  CHECK(values(tg::linspace(0, 1, 5)) == std::vector<double>{0, 0.25, 0.5, 0.75, 1});
  CHECK(values(tg::eye(2)) == std::vector<double>{1, 0, 0, 1});
  Tensor lit = tg::tensor({{1, 2, 3}, {4, 5, 6}});
  CHECK(lit.shape() == tg::Shape{2, 3});
  CHECK(lit.at({1, 0}) == 4);
  Tensor v = tg::from_vector(std::vector<std::int64_t>{1, 2, 3, 4}, {2, 2});
  CHECK(v.dtype() == DType::i64);
  CHECK(v.at({1, 1}) == 4);
  CHECK(tg::scalar(3.0).dim() == 0);
  CHECK(tg::scalar(3.0).item() == 3.0);
  Tensor t3 = tg::tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}});
  CHECK(t3.shape() == tg::Shape{2, 2, 2});
  CHECK(t3.at({1, 0, 1}) == 6);
}

TEST_CASE("tensor: reshape is a view when possible and a copy otherwise") {
  Tensor x = tg::arange(6).reshape({2, 3});
  Tensor y = x.reshape({3, -1});
  CHECK(y.shape() == tg::Shape{3, 2});
  CHECK(y.shares_storage(x));
  Tensor xt = x.transpose(0, 1);  // [3, 2], not contiguous
  CHECK_FALSE(xt.is_contiguous());
  CHECK(values(xt) == std::vector<double>{0, 3, 1, 4, 2, 5});
  Tensor flat = xt.reshape({6});
  CHECK_FALSE(flat.shares_storage(x));
  CHECK(values(flat) == std::vector<double>{0, 3, 1, 4, 2, 5});
  CHECK_THROWS_WITH_AS(xt.view({6}), doctest::Contains("view: cannot view shape [3, 2]"), tg::Error);
  // Splitting an axis of a transposed view is still a view.
  Tensor big = tg::arange(24).reshape({4, 6}).transpose(0, 1);  // [6, 4]
  Tensor split = big.view({2, 3, 4});
  CHECK(split.shares_storage(big));
  CHECK(values(split) == values(big));
  // Size-1 axes and 0-d.
  CHECK(tg::scalar(5).reshape({1, 1}).at({0, 0}) == 5);
  CHECK(tg::ones({1, 1}).reshape({}).dim() == 0);
}

TEST_CASE("tensor: reshape errors name the shapes") {
  Tensor x = tg::zeros({2, 3});
  CHECK_THROWS_WITH_AS(x.reshape({4}),
                       "reshape: cannot reshape [2, 3] (6 elements) into [4] (4 elements)",
                       tg::Error);
  CHECK_THROWS_WITH_AS(x.reshape({-1, -1}), doctest::Contains("only one dimension can be -1"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(x.reshape({-1, 4}), doctest::Contains("cannot reshape [2, 3]"), tg::Error);
  CHECK_THROWS_WITH_AS(x.reshape({-3, 2}), doctest::Contains("invalid dimension -3"), tg::Error);
  CHECK_THROWS_AS(tg::zeros({-1, 2}), tg::Error);
}

TEST_CASE("tensor: size() of an axis that does not exist is an error") {
  Tensor x = tg::zeros({2, 3});
  CHECK(x.size(-1) == 3);
  CHECK_THROWS_WITH_AS(x.size(2), doctest::Contains("size: axis 2 is out of range"), tg::Error);
  Tensor scalar = tg::full({}, 1.0);
  CHECK_THROWS_WITH_AS(scalar.size(0), "size: a 0-d tensor has no axis 0", tg::Error);
  CHECK_THROWS_WITH_AS(scalar.size(-1), "size: a 0-d tensor has no axis -1", tg::Error);
}

TEST_CASE("tensor: transpose, permute, slice, narrow, select share storage") {
  Tensor x = tg::arange(24).reshape({2, 3, 4});
  Tensor p = x.permute({2, 0, 1});
  CHECK(p.shape() == tg::Shape{4, 2, 3});
  CHECK(p.shares_storage(x));
  CHECK(p.at({3, 1, 2}) == x.at({1, 2, 3}));
  CHECK(x.transpose(-1, 0).shape() == tg::Shape{4, 3, 2});

  Tensor s = x.slice(2, 1, 4, 2);  // columns 1 and 3
  CHECK(s.shape() == tg::Shape{2, 3, 2});
  CHECK(s.at({1, 2, 1}) == x.at({1, 2, 3}));
  CHECK(x.slice(1, -2, 100).shape() == tg::Shape{2, 2, 4});  // clamped like Python
  CHECK(x.slice(1, 2, 1).shape() == tg::Shape{2, 0, 4});     // empty
  CHECK(values(x.narrow(0, 1, 1)) == values(x.select(0, 1)));
  CHECK(x.select(1, -1).shape() == tg::Shape{2, 4});
  CHECK(x.select(1, -1).at({0, 0}) == 8);

  CHECK_THROWS_WITH_AS(x.permute({0, 0, 1}), doctest::Contains("repeats axis"), tg::Error);
  CHECK_THROWS_WITH_AS(x.narrow(2, 3, 2), doctest::Contains("narrow: range [3, 5) is outside axis 2"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(x.select(0, 2), doctest::Contains("out of range for axis 0 of size 2"),
                       tg::Error);
  CHECK_THROWS_AS(x.slice(0, 0, 1, 0), tg::Error);
}

TEST_CASE("tensor: axis errors name the op, the axis and the valid range") {
  Tensor x = tg::zeros({2, 3});
  CHECK_THROWS_WITH_AS(x.transpose(0, 2),
                       "transpose: axis 2 is out of range for a 2-d tensor (valid: -2..1)",
                       tg::Error);
  CHECK_THROWS_AS(x.size(-3), tg::Error);
  CHECK(x.size(-2) == 2);
}

TEST_CASE("tensor: expand broadcasts with stride 0, squeeze/unsqueeze") {
  Tensor row = tg::tensor({1, 2, 3});
  Tensor e = row.expand({2, 3});
  CHECK(e.strides() == tg::Strides{0, 1});
  CHECK(values(e) == std::vector<double>{1, 2, 3, 1, 2, 3});
  Tensor col = tg::tensor({1, 2}).reshape({2, 1});  // {{1}, {2}} would be ambiguous in C++
  CHECK(values(col.expand({-1, 2})) == std::vector<double>{1, 1, 2, 2});
  CHECK_THROWS_WITH_AS(row.expand({2, 4}), doctest::Contains("expand: cannot expand shape [3] to [2, 4]"),
                       tg::Error);
  Tensor u = row.unsqueeze(0).unsqueeze(-1);
  CHECK(u.shape() == tg::Shape{1, 3, 1});
  CHECK(u.squeeze().shape() == tg::Shape{3});
  CHECK(u.squeeze(2).shape() == tg::Shape{1, 3});
  CHECK_THROWS_WITH_AS(u.squeeze(1), doctest::Contains("squeeze: axis 1 has size 3, expected 1"),
                       tg::Error);
}

TEST_CASE("tensor: contiguous, copy_ with broadcasting, to(dtype)") {
  Tensor x = tg::arange(6).reshape({2, 3}).transpose(0, 1);
  Tensor c = x.contiguous();
  CHECK(c.is_contiguous());
  CHECK(c.strides() == tg::Strides{2, 1});
  CHECK(values(c) == values(x));
  Tensor already = tg::zeros({3});
  CHECK(already.contiguous().shares_storage(already));

  Tensor dst = tg::zeros({2, 3});
  dst.copy_(tg::tensor({1, 2, 3}));
  CHECK(values(dst) == std::vector<double>{1, 2, 3, 1, 2, 3});
  CHECK_THROWS_WITH_AS(dst.copy_(tg::tensor({1, 2, 3}, DType::f64)),
                       doctest::Contains("copy_: source dtype f64 differs from destination dtype f32"),
                       tg::Error);
  // Overlapping self-copy through a reversed... shifted view reads old values.
  Tensor r = tg::arange(5).to(DType::f32);
  r.slice(0, 1, 5).copy_(r.slice(0, 0, 4));
  CHECK(values(r) == std::vector<double>{0, 0, 1, 2, 3});

  Tensor f = tg::tensor({1.7, -2.2}).to(DType::i64);
  CHECK(f.dtype() == DType::i64);
  CHECK(values(f) == std::vector<double>{1, -2});
  CHECK(tg::tensor({0.1}).to(DType::f64).item() == doctest::Approx(0.1f));
}

TEST_CASE("tensor: dtype checks and undefined handles") {
  Tensor x = tg::zeros({2});
  CHECK_THROWS_WITH_AS(x.data<double>(), "data: expected dtype f64, got f32 (shape [2])", tg::Error);
  Tensor undefined;
  CHECK_FALSE(undefined.defined());
  CHECK_THROWS_AS(undefined.clone(), tg::Error);
  CHECK_THROWS_WITH_AS(tg::ones({2}).item(),
                       "item: expected a tensor with one element, got shape [2]", tg::Error);
}

TEST_CASE("tensor: a view that would leave its storage is refused") {
  auto storage = std::make_shared<tg::Storage>(4 * sizeof(float));
  CHECK_NOTHROW(Tensor(storage, DType::f32, {2, 2}, {2, 1}, 0));
  CHECK_THROWS_WITH_AS(Tensor(storage, DType::f32, {2, 2}, {2, 1}, 1),
                       doctest::Contains("reaches outside its storage of 4 elements"), tg::Error);
}

TEST_CASE("tensor: index_select picks rows or columns, on every memory layout") {
  // x[i, j] = 10 i + j; the result's element (k, j) along axis 0 is x[idx[k], j].
  const Tensor idx = tg::tensor({2, 0, 2, 1}, DType::i64);
  for (DType dtype : {DType::f32, DType::f64, DType::i64}) {
    const Tensor x = tg::arange(0, 30, 1, DType::f64).reshape({3, 10}).to(dtype);
    const Tensor xt = x.transpose(0, 1).contiguous().transpose(0, 1);  // same values, strided
    // A view that starts 10 elements into its storage: x + 10.
    const Tensor offset =
        tg::arange(0, 40, 1, DType::f64).to(dtype).narrow(0, 10, 30).reshape({3, 10});
    for (const Tensor* src : {&x, &xt, &offset}) {
      const Tensor rows = tg::index_select(*src, 0, idx);  // contiguous rows: the memcpy path
      REQUIRE(rows.shape() == tg::Shape{4, 10});
      CHECK(rows.dtype() == dtype);
      const Tensor cols = tg::index_select(*src, 1, idx);  // the general path
      REQUIRE(cols.shape() == tg::Shape{3, 4});
      const std::vector<std::int64_t> k = idx.to_vector<std::int64_t>();
      const double shift = src == &offset ? 10 : 0;
      for (std::int64_t r = 0; r < 4; ++r)
        for (std::int64_t j = 0; j < 10; ++j)
          CHECK(rows.at({r, j}) == 10.0 * double(k[r]) + double(j) + shift);
      for (std::int64_t i = 0; i < 3; ++i)
        for (std::int64_t c = 0; c < 4; ++c)
          CHECK(cols.at({i, c}) == 10.0 * double(i) + double(k[c]) + shift);
    }
  }
  CHECK_THROWS_WITH(tg::index_select(tg::zeros({3, 2}), 0, tg::tensor({0, 3}, DType::i64)),
                    doctest::Contains("index 3 is out of range for axis 0 of size 3"));
  CHECK(tg::index_select(tg::zeros({3, 2}), 0, tg::zeros({0}, DType::i64)).shape() ==
        tg::Shape{0, 2});
}
