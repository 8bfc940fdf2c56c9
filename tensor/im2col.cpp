#include "tensor/im2col.hpp"

#include <algorithm>

#include "tensor/creation.hpp"
#include "tensor/parallel.hpp"

namespace tg {

namespace {

// Output extent along one axis: how many window positions fit in the padded input.
std::int64_t output_extent(const char* axis, std::int64_t size, std::int64_t kernel,
                           std::int64_t stride, std::int64_t pad, std::int64_t dilation) {
  if (kernel < 1 || stride < 1 || dilation < 1 || pad < 0)
    fail("Conv2dGeometry: ", axis, ": kernel, stride and dilation must be >= 1 and padding >= 0, "
         "got kernel ", kernel, ", stride ", stride, ", dilation ", dilation, ", padding ", pad);
  const std::int64_t span = dilation * (kernel - 1) + 1;  // input pixels one window covers
  if (size + 2 * pad < span)
    fail("Conv2dGeometry: the kernel ", axis, " ", kernel, " (dilation ", dilation, ") spans ", span,
         " pixels, more than the padded input ", axis, " ", size, " + 2*", pad, " = ",
         size + 2 * pad);
  return (size + 2 * pad - span) / stride + 1;
}

// The output positions o in [0, out_size) whose input position
// o * stride + shift lies inside [0, size): a contiguous range [lo, hi).
struct Range {
  std::int64_t lo, hi;
};
Range inside(std::int64_t shift, std::int64_t stride, std::int64_t size, std::int64_t out_size) {
  const std::int64_t lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  const std::int64_t last = size - 1 - shift;  // o * stride <= last
  const std::int64_t hi = last < 0 ? 0 : std::min(out_size, last / stride + 1);
  return {std::min(lo, out_size), std::max(hi, std::min(lo, out_size))};
}

// Everything both directions need to know about the convolution.
struct Geometry {
  std::int64_t N, C, H, W, OH, OW;
  Conv2dGeometry g;
  std::int64_t rows() const { return C * g.kernel_h * g.kernel_w; }  // of cols, per image
  std::int64_t cols() const { return OH * OW; }
};

Geometry make_geometry(const char* op, const Shape& image, const Conv2dGeometry& g) {
  if (image.size() != 4)
    fail(op, ": expected an image batch [N, C, H, W], got shape ", shape_str(image));
  try {
    return {image[0], image[1], image[2], image[3], g.out_h(image[2]), g.out_w(image[3]), g};
  } catch (const Error& e) {
    fail(op, ": ", e.what(), " (image shape ", shape_str(image), ", kernel ", g.kernel_h, "x",
         g.kernel_w, ", stride ", g.stride_h, "x", g.stride_w, ", padding ", g.pad_h, "x",
         g.pad_w, ", dilation ", g.dilation_h, "x", g.dilation_w, ")");
  }
}

// Calls visit(row, oh, ow_range, ih, ow_to_iw_shift) for every kernel offset
// (ki, kj) of channel c and output row oh whose input row ih is inside the
// image; rows in the padding are reported with ih = -1. Shared by im2col and
// col2im so that the two walk exactly the same fields (one is the adjoint of
// the other).
template <class Visit>
void for_each_field_row(const Geometry& geo, std::int64_t c, Visit&& visit) {
  const Conv2dGeometry& g = geo.g;
  for (std::int64_t ki = 0; ki < g.kernel_h; ++ki)
    for (std::int64_t kj = 0; kj < g.kernel_w; ++kj) {
      const std::int64_t row = (c * g.kernel_h + ki) * g.kernel_w + kj;
      const std::int64_t shift_w = kj * g.dilation_w - g.pad_w;  // iw = ow * stride_w + shift_w
      const Range cols = inside(shift_w, g.stride_w, geo.W, geo.OW);
      for (std::int64_t oh = 0; oh < geo.OH; ++oh) {
        const std::int64_t ih = oh * g.stride_h + ki * g.dilation_h - g.pad_h;
        visit(row, oh, cols, ih >= 0 && ih < geo.H ? ih : -1, shift_w);
      }
    }
}

// Planes (one image, one channel) per parallel chunk: about 64K elements of work.
std::int64_t plane_grain(const Geometry& geo) {
  const std::int64_t work = std::max<std::int64_t>(
      1, geo.g.kernel_h * geo.g.kernel_w * geo.cols());
  return std::max<std::int64_t>(1, 65536 / work);
}

}  // namespace

std::int64_t Conv2dGeometry::out_h(std::int64_t h) const {
  return output_extent("height", h, kernel_h, stride_h, pad_h, dilation_h);
}

std::int64_t Conv2dGeometry::out_w(std::int64_t w) const {
  return output_extent("width", w, kernel_w, stride_w, pad_w, dilation_w);
}

Tensor im2col(const Tensor& x_in, const Conv2dGeometry& g) {
  x_in.check_defined("im2col");
  const Geometry geo = make_geometry("im2col", x_in.shape(), g);
  const Tensor x = x_in.contiguous();
  Tensor out = Tensor::empty({geo.N, geo.rows(), geo.cols()}, x.dtype());
  dispatch_floating(x.dtype(), "im2col", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = x.data<T>();
    T* dst = out.data<T>();
    parallel_for(geo.N * geo.C, plane_grain(geo), [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t plane = begin; plane < end; ++plane) {
        const std::int64_t n = plane / geo.C, c = plane % geo.C;
        const T* image = src + plane * geo.H * geo.W;
        T* image_cols = dst + n * geo.rows() * geo.cols();
        for_each_field_row(geo, c, [&](std::int64_t row, std::int64_t oh, Range r,
                                       std::int64_t ih, std::int64_t shift_w) {
          T* out_row = image_cols + row * geo.cols() + oh * geo.OW;
          if (ih < 0) {  // the whole row of the field lies in the padding
            std::fill(out_row, out_row + geo.OW, T(0));
            return;
          }
          const T* in_row = image + ih * geo.W;
          std::fill(out_row, out_row + r.lo, T(0));
          for (std::int64_t ow = r.lo; ow < r.hi; ++ow)
            out_row[ow] = in_row[ow * g.stride_w + shift_w];
          std::fill(out_row + r.hi, out_row + geo.OW, T(0));
        });
      }
    });
  });
  return out;
}

Tensor col2im(const Tensor& cols_in, const Shape& image_shape, const Conv2dGeometry& g) {
  cols_in.check_defined("col2im");
  const Geometry geo = make_geometry("col2im", image_shape, g);
  const Shape expected{geo.N, geo.rows(), geo.cols()};
  if (cols_in.shape() != expected)
    fail("col2im: expected columns of shape ", shape_str(expected), " for image shape ",
         shape_str(image_shape), ", got ", shape_str(cols_in.shape()));
  const Tensor cols = cols_in.contiguous();
  Tensor out = zeros(image_shape, cols.dtype());
  dispatch_floating(cols.dtype(), "col2im", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = cols.data<T>();
    T* dst = out.data<T>();
    // Each (image, channel) plane is summed by one thread, in a fixed order.
    parallel_for(geo.N * geo.C, plane_grain(geo), [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t plane = begin; plane < end; ++plane) {
        const std::int64_t n = plane / geo.C, c = plane % geo.C;
        T* image = dst + plane * geo.H * geo.W;
        const T* image_cols = src + n * geo.rows() * geo.cols();
        for_each_field_row(geo, c, [&](std::int64_t row, std::int64_t oh, Range r,
                                       std::int64_t ih, std::int64_t shift_w) {
          if (ih < 0) return;  // padding: the adjoint of writing zeros is dropping the values
          const T* in_row = image_cols + row * geo.cols() + oh * geo.OW;
          T* out_row = image + ih * geo.W;
          for (std::int64_t ow = r.lo; ow < r.hi; ++ow)
            out_row[ow * g.stride_w + shift_w] += in_row[ow];
        });
      }
    });
  });
  return out;
}

}  // namespace tg
