#include "tensor/tensor.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include "tensor/iter.hpp"
#include "tensor/object_pool.hpp"

namespace tg {

namespace {

// Replaces a single -1 in `shape` by the extent that makes the element
// counts match, and checks the counts.
Shape infer_shape(Shape shape, std::int64_t numel, const Shape& from, const char* op) {
  std::int64_t known = 1;
  std::optional<std::size_t> infer_at;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer_at) fail(op, ": only one dimension can be -1, got ", shape_str(shape));
      infer_at = i;
    } else if (shape[i] < 0) {
      fail(op, ": invalid dimension ", shape[i], " in ", shape_str(shape));
    } else {
      known *= shape[i];
    }
  }
  if (infer_at) {
    if (known == 0 || numel % known != 0)
      fail(op, ": cannot reshape ", shape_str(from), " (", numel, " elements) into ",
           shape_str(shape));
    shape[*infer_at] = numel / known;
  } else if (known != numel) {
    fail(op, ": cannot reshape ", shape_str(from), " (", numel, " elements) into ",
         shape_str(shape), " (", known, " elements)");
  }
  return shape;
}

// Note [view strides]
// A reshape can reuse the memory as-is when each group of old axes that is
// merged or split is itself laid out contiguously ("a chunk"). We walk the
// old axes from the innermost, grouping those whose strides chain together,
// and hand each group's elements to the new axes that cover exactly the same
// count. If a new axis would straddle two chunks, no view exists.
std::optional<Strides> view_strides(const Shape& old_shape, const Strides& old_strides,
                                    const Shape& new_shape, std::int64_t numel) {
  if (numel == 0 || old_shape.empty()) return contiguous_strides(new_shape);
  Strides out(new_shape.size(), 1);
  std::int64_t view_d = static_cast<std::int64_t>(new_shape.size()) - 1;
  std::int64_t chunk_stride = old_strides.back();
  std::int64_t chunk_numel = 1, view_numel = 1;
  for (std::int64_t d = static_cast<std::int64_t>(old_shape.size()) - 1; d >= 0; --d) {
    chunk_numel *= old_shape[d];
    const bool chunk_ends =
        d == 0 || (old_shape[d - 1] != 1 && old_strides[d - 1] != chunk_numel * chunk_stride);
    if (!chunk_ends) continue;
    while (view_d >= 0 && (view_numel < chunk_numel || new_shape[view_d] == 1)) {
      out[view_d] = view_numel * chunk_stride;
      view_numel *= new_shape[view_d];
      --view_d;
    }
    if (view_numel != chunk_numel) return std::nullopt;
    if (d > 0) {
      chunk_stride = old_strides[d - 1];
      chunk_numel = 1;
      view_numel = 1;
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

}  // namespace

Tensor::Tensor(std::shared_ptr<Storage> storage, DType dtype, Shape shape, Strides strides,
               std::int64_t offset)
    : storage_(std::move(storage)),
      dtype_(dtype),
      shape_(std::move(shape)),
      strides_(std::move(strides)),
      offset_(offset) {
  if (!storage_) fail("Tensor: null storage");
  if (shape_.size() != strides_.size())
    fail("Tensor: shape ", shape_str(shape_), " and strides ", shape_str(strides_),
         " have different lengths");
  numel_ = shape_numel(shape_, "Tensor");
  if (numel_ == 0) return;
  // The lowest and highest element addressed must lie inside the storage.
  std::int64_t lo = offset_, hi = offset_;
  for (std::size_t i = 0; i < shape_.size(); ++i) {
    const std::int64_t span = (shape_[i] - 1) * strides_[i];
    (span < 0 ? lo : hi) += span;
  }
  const auto capacity = static_cast<std::int64_t>(storage_->nbytes() / dtype_size(dtype_));
  if (lo < 0 || hi >= capacity)
    fail("Tensor: shape ", shape_str(shape_), " with strides ", shape_str(strides_),
         " and offset ", offset_, " reaches outside its storage of ", capacity, " elements");
}

Tensor Tensor::empty(const Shape& shape, DType dtype) {
  const std::int64_t n = shape_numel(shape, "empty");
  // A fresh buffer fits its own contiguous layout: the public constructor's
  // checks would only repeat shape_numel, on every op's result.
  Tensor t;
  // Note [object pool] in tensor/object_pool.hpp.
  t.storage_ = std::allocate_shared<Storage>(detail::PoolAllocator<Storage>(),
                                             static_cast<std::size_t>(n) * dtype_size(dtype));
  t.dtype_ = dtype;
  t.shape_ = shape;
  t.strides_ = contiguous_strides(shape);
  t.numel_ = n;
  return t;
}

std::int64_t Tensor::size(std::int64_t axis) const {
  // normalize_axis lets a 0-d tensor take axis 0 (for reductions); a size
  // needs a real axis.
  if (dim() == 0) fail("size: a 0-d tensor has no axis ", axis);
  return shape_[normalize_axis(axis, dim(), "size")];
}

bool Tensor::is_contiguous() const {
  std::int64_t expected = 1;
  for (std::size_t i = shape_.size(); i-- > 0;) {
    if (shape_[i] == 1) continue;
    if (strides_[i] != expected) return numel_ == 0;
    expected *= shape_[i];
  }
  return true;
}

void Tensor::check_dtype(DType expected, const char* op) const {
  check_defined(op);
  if (dtype_ != expected)
    fail(op, ": expected dtype ", dtype_name(expected), ", got ", dtype_name(dtype_),
         " (shape ", shape_str(shape_), ")");
}

void Tensor::check_defined(const char* op) const {
  if (!defined()) fail(op, ": the tensor is undefined (default-constructed)");
}

void* Tensor::raw_data() const {
  check_defined("raw_data");
  return static_cast<char*>(storage_->data()) + offset_ * dtype_size(dtype_);
}

double Tensor::item() const {
  check_defined("item");
  if (numel_ != 1)
    fail("item: expected a tensor with one element, got shape ", shape_str(shape_));
  return dispatch(dtype_, "item", [&](auto tag) {
    using T = typename decltype(tag)::type;
    return static_cast<double>(*data<T>());
  });
}

double Tensor::at(const std::vector<std::int64_t>& index) const {
  check_defined("at");
  if (static_cast<std::int64_t>(index.size()) != dim())
    fail("at: index has ", index.size(), " entries for a ", dim(), "-d tensor of shape ",
         shape_str(shape_));
  std::int64_t pos = offset_;
  for (std::size_t i = 0; i < index.size(); ++i) {
    std::int64_t k = index[i] < 0 ? index[i] + shape_[i] : index[i];
    if (k < 0 || k >= shape_[i])
      fail("at: index ", index[i], " is out of range for axis ", i, " of size ", shape_[i]);
    pos += k * strides_[i];
  }
  return dispatch(dtype_, "at", [&](auto tag) {
    using T = typename decltype(tag)::type;
    return static_cast<double>(static_cast<const T*>(storage_->data())[pos]);
  });
}

std::vector<double> Tensor::to_double_vector() const {
  check_defined("to_double_vector");
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(numel_));
  dispatch(dtype_, "to_double_vector", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* base = static_cast<const T*>(storage_->data());
    for_each_offset(shape_, strides_, offset_,
                    [&](std::int64_t i) { out.push_back(static_cast<double>(base[i])); });
  });
  return out;
}

Tensor Tensor::view(Shape shape) const {
  check_defined("view");
  shape = infer_shape(std::move(shape), numel_, shape_, "view");
  auto strides = view_strides(shape_, strides_, shape, numel_);
  if (!strides)
    fail("view: cannot view shape ", shape_str(shape_), " with strides ", shape_str(strides_),
         " as ", shape_str(shape), " without copying; use reshape() (which copies)");
  return Tensor(storage_, dtype_, std::move(shape), std::move(*strides), offset_);
}

Tensor Tensor::reshape(Shape shape) const {
  check_defined("reshape");
  shape = infer_shape(std::move(shape), numel_, shape_, "reshape");
  if (auto strides = view_strides(shape_, strides_, shape, numel_))
    return Tensor(storage_, dtype_, std::move(shape), std::move(*strides), offset_);
  return clone().view(std::move(shape));
}

Tensor Tensor::flatten() const { return reshape({-1}); }

Tensor Tensor::transpose(std::int64_t axis0, std::int64_t axis1) const {
  check_defined("transpose");
  if (dim() == 0) return *this;
  const std::int64_t a = normalize_axis(axis0, dim(), "transpose");
  const std::int64_t b = normalize_axis(axis1, dim(), "transpose");
  Shape shape = shape_;
  Strides strides = strides_;
  std::swap(shape[a], shape[b]);
  std::swap(strides[a], strides[b]);
  return Tensor(storage_, dtype_, std::move(shape), std::move(strides), offset_);
}

Tensor Tensor::permute(const Axes& order) const {
  check_defined("permute");
  if (static_cast<std::int64_t>(order.size()) != dim())
    fail("permute: order ", shape_str(order), " has ", order.size(), " axes, tensor of shape ",
         shape_str(shape_), " has ", dim());
  Shape shape(order.size());
  Strides strides(order.size());
  std::vector<bool> seen(order.size(), false);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::int64_t a = normalize_axis(order[i], dim(), "permute");
    if (seen[a]) fail("permute: order ", shape_str(order), " repeats axis ", order[i]);
    seen[a] = true;
    shape[i] = shape_[a];
    strides[i] = strides_[a];
  }
  return Tensor(storage_, dtype_, std::move(shape), std::move(strides), offset_);
}

Tensor Tensor::slice(std::int64_t axis, std::int64_t start, std::int64_t stop,
                     std::int64_t step) const {
  check_defined("slice");
  if (dim() == 0) fail("slice: cannot slice a 0-d tensor");
  const std::int64_t a = normalize_axis(axis, dim(), "slice");
  if (step <= 0) fail("slice: step must be positive, got ", step);
  const std::int64_t n = shape_[a];
  // Python semantics: negative indices count from the end, then clamp.
  auto clamp_index = [n](std::int64_t i) {
    if (i < 0) i += n;
    return std::clamp<std::int64_t>(i, 0, n);
  };
  start = clamp_index(start);
  stop = std::max(clamp_index(stop), start);
  Shape shape = shape_;
  Strides strides = strides_;
  shape[a] = (stop - start + step - 1) / step;
  strides[a] = strides_[a] * step;
  const std::int64_t offset = shape[a] == 0 ? offset_ : offset_ + start * strides_[a];
  return Tensor(storage_, dtype_, std::move(shape), std::move(strides), offset);
}

Tensor Tensor::narrow(std::int64_t axis, std::int64_t start, std::int64_t length) const {
  check_defined("narrow");
  if (dim() == 0) fail("narrow: cannot narrow a 0-d tensor");
  const std::int64_t a = normalize_axis(axis, dim(), "narrow");
  if (start < 0) start += shape_[a];
  if (start < 0 || length < 0 || start + length > shape_[a])
    fail("narrow: range [", start, ", ", start + length, ") is outside axis ", a, " of size ",
         shape_[a], " (shape ", shape_str(shape_), ")");
  return slice(a, start, start + length);
}

Tensor Tensor::select(std::int64_t axis, std::int64_t index) const {
  check_defined("select");
  if (dim() == 0) fail("select: cannot index a 0-d tensor");
  const std::int64_t a = normalize_axis(axis, dim(), "select");
  const std::int64_t k = index < 0 ? index + shape_[a] : index;
  if (k < 0 || k >= shape_[a])
    fail("select: index ", index, " is out of range for axis ", a, " of size ", shape_[a]);
  Shape shape = shape_;
  Strides strides = strides_;
  shape.erase(shape.begin() + a);
  strides.erase(strides.begin() + a);
  return Tensor(storage_, dtype_, std::move(shape), std::move(strides),
                offset_ + k * strides_[a]);
}

Tensor Tensor::expand(const Shape& shape) const {
  check_defined("expand");
  if (shape.size() < shape_.size())
    fail("expand: cannot expand shape ", shape_str(shape_), " to fewer dimensions ",
         shape_str(shape));
  const std::size_t lead = shape.size() - shape_.size();
  Shape out_shape(shape.size());
  Strides out_strides(shape.size(), 0);
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i < lead) {
      if (shape[i] < 0) fail("expand: -1 is not allowed for a new leading axis in ", shape_str(shape));
      out_shape[i] = shape[i];
      continue;
    }
    const std::int64_t have = shape_[i - lead];
    const std::int64_t want = shape[i] == -1 ? have : shape[i];
    if (have == want) {
      out_shape[i] = have;
      out_strides[i] = strides_[i - lead];
    } else if (have == 1 && want >= 0) {
      out_shape[i] = want;  // stride 0: every index reads the same element
    } else {
      fail("expand: cannot expand shape ", shape_str(shape_), " to ", shape_str(shape),
           " (axis ", i, ": ", have, " vs ", want, "; only size-1 axes can grow)");
    }
  }
  return Tensor(storage_, dtype_, std::move(out_shape), std::move(out_strides), offset_);
}

Tensor Tensor::squeeze() const {
  check_defined("squeeze");
  Shape shape;
  Strides strides;
  for (std::size_t i = 0; i < shape_.size(); ++i)
    if (shape_[i] != 1) {
      shape.push_back(shape_[i]);
      strides.push_back(strides_[i]);
    }
  return Tensor(storage_, dtype_, std::move(shape), std::move(strides), offset_);
}

Tensor Tensor::squeeze(std::int64_t axis) const {
  check_defined("squeeze");
  if (dim() == 0) return *this;
  const std::int64_t a = normalize_axis(axis, dim(), "squeeze");
  if (shape_[a] != 1)
    fail("squeeze: axis ", axis, " has size ", shape_[a], ", expected 1 (shape ",
         shape_str(shape_), ")");
  return select(a, 0);
}

Tensor Tensor::unsqueeze(std::int64_t axis) const {
  check_defined("unsqueeze");
  const std::int64_t a = normalize_axis(axis, dim() + 1, "unsqueeze");
  Shape shape = shape_;
  Strides strides = strides_;
  const std::int64_t stride = a < dim() ? shape_[a] * strides_[a] : 1;
  shape.insert(shape.begin() + a, 1);
  strides.insert(strides.begin() + a, stride);
  return Tensor(storage_, dtype_, std::move(shape), std::move(strides), offset_);
}

Tensor Tensor::contiguous() const {
  check_defined("contiguous");
  return is_contiguous() ? *this : clone();
}

Tensor Tensor::clone() const {
  check_defined("clone");
  Tensor out = empty(shape_, dtype_);
  if (is_contiguous()) {
    std::memcpy(out.raw_data(), raw_data(), static_cast<std::size_t>(numel_) * dtype_size(dtype_));
  } else {
    out.copy_(*this);
  }
  return out;
}

Tensor Tensor::to(DType dtype) const {
  check_defined("to");
  if (dtype == dtype_) return *this;
  Tensor out = empty(shape_, dtype);
  dispatch(dtype_, "to", [&](auto from_tag) {
    using From = typename decltype(from_tag)::type;
    dispatch(dtype, "to", [&](auto to_tag) {
      using To = typename decltype(to_tag)::type;
      detail::apply_unary<To, From>(simd::CastOp<To>{}, out, *this);
    });
  });
  return out;
}

void Tensor::copy_(const Tensor& src) {
  check_defined("copy_");
  src.check_defined("copy_");
  if (src.dtype_ != dtype_)
    fail("copy_: source dtype ", dtype_name(src.dtype_), " differs from destination dtype ",
         dtype_name(dtype_), "; convert with .to() first");
  const Shape joint = broadcast_shapes(shape_, src.shape_, "copy_");
  if (joint != shape_)
    fail("copy_: source shape ", shape_str(src.shape_), " does not broadcast to destination shape ",
         shape_str(shape_));
  const Tensor from = src.expand(shape_);
  // Copying a tensor onto a different view of its own memory (shifted or
  // transposed) would read values it has already overwritten; go through a
  // temporary in that case.
  if (from.storage_ == storage_ && (from.offset_ != offset_ || from.strides_ != strides_)) {
    copy_(from.clone());
    return;
  }
  dispatch(dtype_, "copy_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    detail::apply_unary<T, T>(simd::IdentityOp{}, *this, from);
  });
  storage_->bump_version();
}

void Tensor::fill_(double value) {
  check_defined("fill_");
  dispatch(dtype_, "fill_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* d = static_cast<T*>(storage_->data());
    const T v = static_cast<T>(value);
    for_each_offset(shape_, strides_, offset_, [&](std::int64_t i) { d[i] = v; });
  });
  storage_->bump_version();
}

}  // namespace tg
