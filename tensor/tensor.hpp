// tensor/tensor.hpp — tg::Tensor, a cheap handle to strided, typed memory.
//
// A Tensor is (storage, dtype, shape, strides, offset), like torch::Tensor or
// a NumPy array. Copying a Tensor copies the handle: both see the same data.
// `clone()` copies the data. View operations (reshape of contiguous data,
// transpose, permute, slice, expand, squeeze) return new handles on the same
// storage; `contiguous()` materialises a row-major copy when needed.
//
//   tg::Tensor x = tg::arange(6).reshape({2, 3});   // [[0,1,2],[3,4,5]]
//   tg::Tensor y = x.transpose(0, 1);               // [3, 2] view, no copy
//   y.is_contiguous();                              // false
//   tg::Tensor z = y.contiguous();                  // copy in row-major order
//
// Ops on tensors live in their own headers (elementwise, reduce, linalg, ...);
// include "tapegrad.hpp" for everything.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "tensor/dtype.hpp"
#include "tensor/shape.hpp"
#include "tensor/storage.hpp"

namespace tg {

class Tensor {
 public:
  /// An undefined handle (`defined() == false`); most ops reject it.
  Tensor() = default;
  /// A tensor over existing storage. Checks that every element addressed by
  /// shape/strides/offset lies inside the storage.
  Tensor(std::shared_ptr<Storage> storage, DType dtype, Shape shape, Strides strides,
         std::int64_t offset);

  /// Uninitialised, contiguous memory for `shape`.
  static Tensor empty(const Shape& shape, DType dtype = DType::f32);

  // --- metadata -----------------------------------------------------------
  bool defined() const { return storage_ != nullptr; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  const Strides& strides() const { return strides_; }
  std::int64_t offset() const { return offset_; }
  std::int64_t dim() const { return static_cast<std::int64_t>(shape_.size()); }
  std::int64_t numel() const { return numel_; }
  /// Extent of one axis; negative axes count from the end.
  std::int64_t size(std::int64_t axis) const;
  /// True when elements are laid out row-major with no gaps (size-1 axes may
  /// have any stride).
  bool is_contiguous() const;
  const std::shared_ptr<Storage>& storage() const { return storage_; }
  /// True when both tensors look at the same storage.
  bool shares_storage(const Tensor& other) const { return storage_ == other.storage_; }

  // --- data access --------------------------------------------------------
  /// Typed pointer to the first element (offset applied). Throws if T does
  /// not match dtype(). Walk it with strides() unless is_contiguous().
  template <class T> T* data() const {
    check_dtype(dtype_v<T>, "data");
    return static_cast<T*>(storage_->data()) + offset_;
  }
  /// Untyped pointer to the first element.
  void* raw_data() const;
  /// The value of a one-element tensor, converted to double.
  double item() const;
  /// The element at a full index (negative indices count from the end), as double.
  double at(const std::vector<std::int64_t>& index) const;
  /// All elements in row-major order. T must match dtype().
  template <class T> std::vector<T> to_vector() const;
  /// All elements in row-major order converted to double (any dtype).
  std::vector<double> to_double_vector() const;

  // --- views (share storage) ----------------------------------------------
  /// Same data, new shape; one entry may be -1 (inferred). Throws if the
  /// strides make that impossible without a copy: use reshape() then.
  Tensor view(Shape shape) const;
  /// view() when possible, otherwise a contiguous copy (NumPy's reshape).
  Tensor reshape(Shape shape) const;
  /// reshape({-1}).
  Tensor flatten() const;
  /// Swaps two axes.
  Tensor transpose(std::int64_t axis0, std::int64_t axis1) const;
  /// Reorders axes: out.shape[i] = shape[order[i]].
  Tensor permute(const Axes& order) const;
  /// Elements start, start+step, ... < stop along `axis` (Python slicing:
  /// negative indices count from the end, bounds are clamped; step > 0).
  Tensor slice(std::int64_t axis, std::int64_t start, std::int64_t stop,
               std::int64_t step = 1) const;
  /// `length` elements from `start` along `axis`; out of range is an error.
  Tensor narrow(std::int64_t axis, std::int64_t start, std::int64_t length) const;
  /// The sub-tensor at `index` along `axis`, with that axis removed.
  Tensor select(std::int64_t axis, std::int64_t index) const;
  /// Broadcasts size-1 axes (and new leading axes) to `shape` with stride 0.
  /// -1 keeps an existing extent.
  Tensor expand(const Shape& shape) const;
  /// Removes every size-1 axis.
  Tensor squeeze() const;
  /// Removes `axis`, which must have size 1.
  Tensor squeeze(std::int64_t axis) const;
  /// Inserts a size-1 axis at `axis` (in [-dim-1, dim]).
  Tensor unsqueeze(std::int64_t axis) const;

  // --- copies -------------------------------------------------------------
  /// This tensor if already contiguous, otherwise a row-major copy.
  Tensor contiguous() const;
  /// A contiguous copy that shares nothing with this tensor.
  Tensor clone() const;
  /// A copy converted to `dtype` (this tensor if the dtype already matches).
  Tensor to(DType dtype) const;

  // --- in place -----------------------------------------------------------
  /// Copies `src` (broadcast to this shape, same dtype) into this tensor's memory.
  void copy_(const Tensor& src);
  /// Sets every element to `value`.
  void fill_(double value);

  void check_dtype(DType expected, const char* op) const;
  void check_defined(const char* op) const;

 private:
  std::shared_ptr<Storage> storage_;
  DType dtype_ = DType::f32;
  Shape shape_;
  Strides strides_;
  std::int64_t offset_ = 0;
  std::int64_t numel_ = 0;
};

/// Calls fn(i) for the storage index (in elements) of every element of a
/// tensor with this shape/strides/offset, in row-major order. The innermost
/// axis is a plain loop; the rest is an odometer. For generic, non-hot code
/// (copies, printing, conversions); kernels use their own fast paths.
template <class Fn>
void for_each_offset(const Shape& shape, const Strides& strides, std::int64_t offset, Fn&& fn) {
  const std::size_t nd = shape.size();
  for (std::int64_t d : shape)
    if (d == 0) return;
  if (nd == 0) { fn(offset); return; }
  std::vector<std::int64_t> index(nd, 0);
  const std::int64_t inner = shape[nd - 1], inner_stride = strides[nd - 1];
  std::int64_t base = offset;
  while (true) {
    for (std::int64_t i = 0; i < inner; ++i) fn(base + i * inner_stride);
    // Advance the odometer over the outer axes.
    std::size_t axis = nd - 1;
    while (true) {
      if (axis == 0) return;
      --axis;
      base += strides[axis];
      if (++index[axis] < shape[axis]) break;
      base -= strides[axis] * shape[axis];
      index[axis] = 0;
    }
  }
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  check_dtype(dtype_v<T>, "to_vector");
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(numel_));
  const T* base = static_cast<const T*>(storage_->data());
  for_each_offset(shape_, strides_, offset_, [&](std::int64_t i) { out.push_back(base[i]); });
  return out;
}

}  // namespace tg
