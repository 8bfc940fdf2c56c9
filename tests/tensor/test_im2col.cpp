// Tests for im2col/col2im (tensor/im2col.hpp): a convolution computed as
// weight @ im2col(x) equals the direct 7-loop definition; col2im is the
// adjoint of im2col (<im2col(x), y> == <x, col2im(y)>); output sizes; and
// errors for impossible geometry.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/im2col.hpp"
#include "tensor/linalg.hpp"
#include "tensor/random.hpp"

using tg::Conv2dGeometry;
using tg::DType;
using tg::Shape;
using tg::Tensor;

namespace {

Conv2dGeometry geometry(std::int64_t k, std::int64_t stride, std::int64_t pad,
                        std::int64_t dilation) {
  Conv2dGeometry g;
  g.kernel_h = k;
  g.kernel_w = k + 1;  // non-square, so rows and columns cannot be confused
  g.stride_h = stride;
  g.stride_w = stride == 1 ? 2 : 1;
  g.pad_h = pad;
  g.pad_w = pad + 1;
  g.dilation_h = dilation;
  g.dilation_w = 1;
  return g;
}

std::string describe(const Shape& x, const Conv2dGeometry& g) {
  return tg::shape_str(x) + " k=" + std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) +
         " s=" + std::to_string(g.stride_h) + "x" + std::to_string(g.stride_w) +
         " p=" + std::to_string(g.pad_h) + "x" + std::to_string(g.pad_w) +
         " d=" + std::to_string(g.dilation_h) + "x" + std::to_string(g.dilation_w);
}

// out[n][o][oh][ow] = sum_{c, ki, kj} w[o][c][ki][kj] * x[n][c][ih][iw], with
// ih = oh*stride_h - pad_h + ki*dilation_h (same for w), zero outside the image.
std::vector<double> direct_conv(const Tensor& x, const Tensor& w, const Conv2dGeometry& g) {
  const std::int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const std::int64_t O = w.size(0), OH = g.out_h(H), OW = g.out_w(W);
  std::vector<double> out;
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t o = 0; o < O; ++o)
      for (std::int64_t oh = 0; oh < OH; ++oh)
        for (std::int64_t ow = 0; ow < OW; ++ow) {
          double acc = 0;
          for (std::int64_t c = 0; c < C; ++c)
            for (std::int64_t ki = 0; ki < g.kernel_h; ++ki)
              for (std::int64_t kj = 0; kj < g.kernel_w; ++kj) {
                const std::int64_t ih = oh * g.stride_h - g.pad_h + ki * g.dilation_h;
                const std::int64_t iw = ow * g.stride_w - g.pad_w + kj * g.dilation_w;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                acc += w.at({o, c, ki, kj}) * x.at({n, c, ih, iw});
              }
          out.push_back(acc);
        }
  return out;
}

double dot(const Tensor& a, const Tensor& b) {
  const std::vector<double> u = a.to_double_vector(), v = b.to_double_vector();
  double s = 0;
  for (std::size_t i = 0; i < u.size(); ++i) s += u[i] * v[i];
  return s;
}

}  // namespace

TEST_CASE("im2col: output size follows the convolution formula") {
  Conv2dGeometry g;
  g.kernel_h = g.kernel_w = 3;
  CHECK(g.out_h(28) == 26);
  g.pad_h = 1;
  CHECK(g.out_h(28) == 28);
  g.stride_h = 2;
  CHECK(g.out_h(28) == 14);
  g.dilation_h = 2;
  CHECK(g.out_h(28) == 13);  // (28 + 2 - 5) / 2 + 1
  const Tensor cols = tg::im2col(tg::zeros({2, 3, 5, 6}), g);
  CHECK(cols.shape() == Shape{2, 3 * 3 * 3, g.out_h(5) * g.out_w(6)});
}

TEST_CASE("im2col: a 2x2 image by hand, with zero padding") {
  Conv2dGeometry g;
  g.kernel_h = g.kernel_w = 2;
  g.pad_h = g.pad_w = 1;
  const Tensor x = tg::tensor({{1, 2}, {3, 4}}).reshape({1, 1, 2, 2});
  const Tensor cols = tg::im2col(x, g);  // [1, 4, 9]
  CHECK(cols.shape() == Shape{1, 4, 9});
  // Row (ki, kj) = (0, 0) reads x[oh - 1][ow - 1].
  CHECK(cols.select(1, 0).to_double_vector() == std::vector<double>{0, 0, 0, 0, 1, 2, 0, 3, 4});
  // Row (1, 1) reads x[oh][ow].
  CHECK(cols.select(1, 3).to_double_vector() == std::vector<double>{1, 2, 0, 3, 4, 0, 0, 0, 0});
}

TEST_CASE("im2col: weight @ im2col(x) equals a direct convolution") {
  tg::Generator gen(21);
  for (DType dt : {DType::f32, DType::f64})
    for (std::int64_t k : {1, 2, 3})
      for (std::int64_t stride : {1, 2})
        for (std::int64_t pad : {0, 1})
          for (std::int64_t dilation : {1, 2}) {
            const Conv2dGeometry g = geometry(k, stride, pad, dilation);
            const Shape x_shape{2, 3, 7, 6};
            INFO(describe(x_shape, g));
            const Tensor x = tg::randn(x_shape, gen, dt);
            const Tensor w = tg::randn({4, 3, g.kernel_h, g.kernel_w}, gen, dt);
            const Tensor cols = tg::im2col(x, g);                   // [N, C*kh*kw, L]
            const Tensor out = tg::matmul(w.reshape({4, -1}), cols);  // [N, 4, L]
            const std::vector<double> got = out.to_double_vector();
            const std::vector<double> want = direct_conv(x, w, g);
            REQUIRE(got.size() == want.size());
            for (std::size_t i = 0; i < got.size(); ++i)
              CHECK(std::abs(got[i] - want[i]) <= (dt == DType::f32 ? 1e-4 : 1e-12));
          }
}

TEST_CASE("im2col: col2im is its adjoint, <im2col(x), y> == <x, col2im(y)>") {
  tg::Generator gen(22);
  for (std::int64_t k : {1, 2, 3})
    for (std::int64_t stride : {1, 2, 3})
      for (std::int64_t pad : {0, 2})
        for (std::int64_t dilation : {1, 2}) {
          const Conv2dGeometry g = geometry(k, stride, pad, dilation);
          const Shape x_shape{2, 2, 8, 7};
          INFO(describe(x_shape, g));
          const Tensor x = tg::randn(x_shape, gen, DType::f64);
          const Tensor cols = tg::im2col(x, g);
          const Tensor y = tg::randn(cols.shape(), gen, DType::f64);
          const Tensor back = tg::col2im(y, x_shape, g);
          CHECK(back.shape() == x_shape);
          const double lhs = dot(cols, y), rhs = dot(x, back);
          CHECK(std::abs(lhs - rhs) <= 1e-10 * (1 + std::abs(lhs)));
        }
}

TEST_CASE("im2col: non-contiguous input is read correctly") {
  tg::Generator gen(23);
  Conv2dGeometry g;
  g.kernel_h = g.kernel_w = 3;
  g.pad_h = g.pad_w = 1;
  const Tensor x = tg::randn({3, 2, 5, 5}, gen).transpose(0, 1);  // [2, 3, 5, 5] view
  CHECK(tg::im2col(x, g).to_double_vector() == tg::im2col(x.contiguous(), g).to_double_vector());
}

TEST_CASE("im2col: impossible geometry and bad shapes are errors") {
  Conv2dGeometry big;
  big.kernel_h = big.kernel_w = 5;
  CHECK_THROWS_WITH_AS(tg::im2col(tg::zeros({1, 1, 3, 3}), big),
                       doctest::Contains("im2col: Conv2dGeometry: the kernel height 5 (dilation 1) "
                                         "spans 5 pixels, more than the padded input height 3 + "
                                         "2*0 = 3 (image shape [1, 1, 3, 3]"),
                       tg::Error);
  Conv2dGeometry dilated;
  dilated.kernel_w = 3;
  dilated.dilation_w = 3;  // spans 7 > 6
  CHECK_THROWS_WITH_AS(tg::im2col(tg::zeros({1, 1, 6, 6}), dilated),
                       doctest::Contains("kernel width 3 (dilation 3) spans 7 pixels"), tg::Error);
  Conv2dGeometry zero_stride;
  zero_stride.stride_h = 0;
  CHECK_THROWS_WITH_AS(tg::im2col(tg::zeros({1, 1, 3, 3}), zero_stride),
                       doctest::Contains("im2col: Conv2dGeometry: height: kernel, stride and "
                                         "dilation must be >= 1"),
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::im2col(tg::zeros({1, 3, 3}), Conv2dGeometry{}),
                       "im2col: expected an image batch [N, C, H, W], got shape [1, 3, 3]",
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::im2col(tg::zeros({1, 1, 3, 3}, DType::i64), Conv2dGeometry{}),
                       doctest::Contains("im2col: expected a floating dtype"), tg::Error);
  CHECK_THROWS_WITH_AS(tg::col2im(tg::zeros({1, 4, 9}), {1, 1, 3, 3}, Conv2dGeometry{}),
                       "col2im: expected columns of shape [1, 1, 9] for image shape [1, 1, 3, 3], "
                       "got [1, 4, 9]",
                       tg::Error);
  CHECK_THROWS_WITH_AS(tg::col2im(tg::zeros({1, 1, 9}), {1, 3, 3}, Conv2dGeometry{}),
                       doctest::Contains("col2im: expected an image batch"), tg::Error);
  CHECK_THROWS_WITH_AS(Conv2dGeometry{}.out_w(0), doctest::Contains("Conv2dGeometry"), tg::Error);
}
