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

/// A cheap handle to strided, typed memory: (storage, dtype, shape, strides,
/// offset). Copying the handle shares the data; clone() copies it. View
/// methods share storage, the free-function ops in tensor/*.hpp allocate.
/// Every method that needs data throws tg::Error on an undefined handle.
class Tensor {
 public:
  /// An undefined handle (`defined() == false`); most ops reject it.
  Tensor() = default;
  /// A tensor over existing storage. Checks that every element addressed by
  /// shape/strides/offset lies inside the storage.
  /// @throws tg::Error if `storage` is null, shape and strides differ in
  ///         length, an extent is negative, or an element lies outside the storage.
  Tensor(std::shared_ptr<Storage> storage, DType dtype, Shape shape, Strides strides,
         std::int64_t offset);

  /// Uninitialised, contiguous memory for `shape`.
  /// @throws tg::Error on a negative extent or an element count that overflows.
  static Tensor empty(const Shape& shape, DType dtype = DType::f32);

  // --- metadata -----------------------------------------------------------
  /// False for a default-constructed handle.
  bool defined() const { return storage_ != nullptr; }
  /// The element type.
  DType dtype() const { return dtype_; }
  /// Extent of every axis; empty for a 0-d (scalar) tensor.
  const Shape& shape() const { return shape_; }
  /// Step between neighbours along each axis, in elements (0 on an expanded axis).
  const Strides& strides() const { return strides_; }
  /// Index of the first element in the storage, in elements.
  std::int64_t offset() const { return offset_; }
  /// Number of axes.
  std::int64_t dim() const { return static_cast<std::int64_t>(shape_.size()); }
  /// Number of elements (product of the extents; 1 for a 0-d tensor).
  std::int64_t numel() const { return numel_; }
  /// Extent of one axis; negative axes count from the end.
  /// @throws tg::Error if `axis` is out of range or the tensor is 0-d.
  std::int64_t size(std::int64_t axis) const;
  /// True when elements are laid out row-major with no gaps (size-1 axes may
  /// have any stride).
  bool is_contiguous() const;
  /// The shared buffer behind this tensor (null when undefined).
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
  /// The value of a one-element tensor (any shape with numel() == 1), converted to double.
  /// @throws tg::Error if numel() != 1.
  double item() const;
  /// The element at a full index (negative indices count from the end), as double.
  /// @throws tg::Error if the index has not dim() entries or one is out of range.
  double at(const std::vector<std::int64_t>& index) const;
  /// All elements in row-major order. T must match dtype().
  template <class T> std::vector<T> to_vector() const;
  /// All elements in row-major order converted to double (any dtype).
  std::vector<double> to_double_vector() const;

  // --- views (share storage) ----------------------------------------------
  /// Same data, new shape; one entry may be -1 (inferred). Throws tg::Error if
  /// the element counts differ, or if the strides make it impossible without
  /// a copy: use reshape() then.
  Tensor view(Shape shape) const;
  /// view() when possible, otherwise a contiguous copy (NumPy's reshape).
  /// @throws tg::Error if the element counts differ or more than one entry is -1.
  Tensor reshape(Shape shape) const;
  /// reshape({-1}).
  Tensor flatten() const;
  /// Swaps two axes (a view). @throws tg::Error if an axis is out of range.
  Tensor transpose(std::int64_t axis0, std::int64_t axis1) const;
  /// Reorders axes: out.shape[i] = shape[order[i]] (a view).
  /// @throws tg::Error unless `order` is a permutation of the dim() axes.
  Tensor permute(const Axes& order) const;
  /// Elements start, start+step, ... < stop along `axis` (Python slicing:
  /// negative indices count from the end, bounds are clamped; step > 0).
  /// @throws tg::Error on a 0-d tensor, an axis out of range, or step <= 0.
  Tensor slice(std::int64_t axis, std::int64_t start, std::int64_t stop,
               std::int64_t step = 1) const;
  /// `length` elements from `start` along `axis` (a view; a negative `start`
  /// counts from the end).
  /// @throws tg::Error on a 0-d tensor or if [start, start+length) leaves the axis.
  Tensor narrow(std::int64_t axis, std::int64_t start, std::int64_t length) const;
  /// The sub-tensor at `index` along `axis`, with that axis removed (a view;
  /// negative `index` counts from the end).
  /// @throws tg::Error on a 0-d tensor or an index out of range.
  Tensor select(std::int64_t axis, std::int64_t index) const;
  /// Broadcasts size-1 axes (and new leading axes) to `shape` with stride 0.
  /// -1 keeps an existing extent.
  /// @throws tg::Error if `shape` has fewer axes, a non-1 extent differs, or
  ///         -1 is given for a new leading axis.
  Tensor expand(const Shape& shape) const;
  /// Removes every size-1 axis.
  Tensor squeeze() const;
  /// Removes `axis`, which must have size 1. @throws tg::Error otherwise.
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
  /// Copies `src` (broadcast to this shape, same dtype) into this tensor's
  /// memory, and bumps the storage version. Overlapping views are handled.
  /// @throws tg::Error on a dtype mismatch or if `src` does not broadcast to shape().
  void copy_(const Tensor& src);
  /// Sets every element to `value` (cast to dtype()) and bumps the storage version.
  void fill_(double value);

  /// Throws tg::Error naming `op` unless defined() and dtype() == expected.
  void check_dtype(DType expected, const char* op) const;
  /// Throws tg::Error naming `op` unless defined().
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
