// tensor/xtensor.hpp — zero-copy views between tg::Tensor and xtensor.
//
// Both libraries describe an array the same way: a pointer, a shape and
// strides counted in elements. So each can look at the other's memory
// without copying anything:
//
//   tg::Tensor x = tg::zeros({2, 3}, tg::DType::f64);
//   auto v = tg::as_xtensor<double>(x);     // xtensor view of x's memory
//   v(1, 2) = 5;                             // x.at({1, 2}) == 5
//
//   xt::xarray<double> a = {{1, 2}, {3, 4}};
//   tg::Tensor t = tg::from_xtensor(a);      // tensor view of a's memory
//   tg::Tensor c = tg::copy_from_xtensor(xt::exp(a) + 1);  // any expression, copied
//
// Header-only; include it only where you need xtensor (it is heavy to compile).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xbuffer_adaptor.hpp>
#include <xtensor/xcontainer.hpp>
#include <xtensor/xexpression.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xstrided_view.hpp>
#include <xtensor/xtensor.hpp>

#include "tensor/tensor.hpp"

namespace tg {

// Note [xtensor strided view]
// xt::adapt(ptr, size, ..., shape, strides) would look like the obvious tool,
// but xtensor containers assume their buffer holds exactly numel elements, so
// it cannot describe a view with gaps (a slice with a step, a narrowed inner
// axis) or an offset. Instead we adapt the whole Storage as a flat 1-d buffer
// and lay an xt::xstrided_view over it with the tensor's shape, strides and
// offset: that is precisely xtensor's notion of a strided view.

/// The flat buffer under `XTensorView`: a whole Storage, kept alive by a
/// shared_ptr, so the view stays valid even if every Tensor handle goes away.
template <class T>
using XTensorBuffer =
    xt::xtensor_adaptor<xt::xbuffer_adaptor<T*, xt::no_ownership, std::shared_ptr<Storage>>, 1>;

/// What `as_xtensor<T>` returns: an xtensor strided view, of dynamic rank.
template <class T>
using XTensorView = xt::xstrided_view<XTensorBuffer<T>, std::vector<std::size_t>>;

/// A zero-copy xtensor view of `x`: same memory, shape, strides and offset,
/// so writes through either side are visible in the other (views, transposes,
/// slices and expands included). T must be the C++ type of x.dtype() (float,
/// double, int64_t); otherwise it throws
/// `as_xtensor: expected dtype f64, got f32 (shape [2, 3])`.
template <class T>
XTensorView<T> as_xtensor(const Tensor& x) {
  x.check_dtype(dtype_v<T>, "as_xtensor");
  const std::shared_ptr<Storage>& storage = x.storage();
  const std::size_t capacity = storage->nbytes() / sizeof(T);
  XTensorBuffer<T> flat(
      xt::xbuffer_adaptor<T*, xt::no_ownership, std::shared_ptr<Storage>>(
          static_cast<T*>(storage->data()), capacity, storage),
      std::array<std::size_t, 1>{capacity});
  std::vector<std::size_t> shape(x.shape().begin(), x.shape().end());
  typename XTensorView<T>::strides_type strides(x.strides().begin(), x.strides().end());
  return XTensorView<T>(std::move(flat), std::move(shape), std::move(strides),
                        static_cast<std::size_t>(x.offset()), xt::layout_type::dynamic);
}

/// A Tensor that views the memory of an xtensor container (xt::xarray,
/// xt::xtensor, xt::xtensor_fixed, or an adaptor) without copying: writes
/// through either side are visible in the other, and the tensor takes the
/// container's shape and strides (a column-major xarray gives a column-major
/// tensor). The element type must be float, double or int64_t.
///
/// Lifetime: the Tensor does not own the memory. The container must outlive
/// the Tensor and every view made from it, and must not be resized meanwhile
/// (use copy_from_xtensor when that is awkward).
template <class D>
Tensor from_xtensor(xt::xcontainer<D>& a) {
  using T = std::remove_const_t<typename xt::xcontainer<D>::value_type>;
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> ||
                    std::is_same_v<T, std::int64_t>,
                "from_xtensor: element type must be float, double or int64_t");
  Shape shape(a.shape().begin(), a.shape().end());
  Strides strides(a.strides().begin(), a.strides().end());
  // A release that does nothing: the container keeps ownership.
  auto storage = std::make_shared<Storage>(static_cast<void*>(a.data()),
                                           a.storage().size() * sizeof(T), [] {});
  return Tensor(std::move(storage), dtype_v<T>, std::move(shape), std::move(strides),
                static_cast<std::int64_t>(a.data_offset()));
}

/// Evaluates any xtensor expression (a container, a view, a lazy
/// `xt::exp(a) + 1`, ...) into a new contiguous Tensor that owns its memory.
/// The element type must be float, double or int64_t; convert others first
/// with xt::cast<double>(expr).
template <class E>
Tensor copy_from_xtensor(const xt::xexpression<E>& expr) {
  const E& e = expr.derived_cast();
  using T = std::remove_const_t<typename E::value_type>;
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> ||
                    std::is_same_v<T, std::int64_t>,
                "copy_from_xtensor: element type must be float, double or int64_t; "
                "convert with xt::cast<double>(expr)");
  Tensor out = Tensor::empty(Shape(e.shape().begin(), e.shape().end()), dtype_v<T>);
  auto view = as_xtensor<T>(out);
  xt::noalias(view) = e;  // xtensor evaluates the expression straight into our memory
  return out;
}

}  // namespace tg
