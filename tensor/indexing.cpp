#include "tensor/indexing.hpp"

#include <cstring>

#include "tensor/creation.hpp"

namespace tg {

namespace {

void check_index_tensor(const Tensor& index, const char* op) {
  index.check_defined(op);
  if (index.dtype() != DType::i64)
    fail(op, ": indices must be i64, got ", dtype_name(index.dtype()), " (shape ",
         shape_str(index.shape()), ")");
}

// Checks the gather/scatter shape contract: same rank, and on every axis but
// `axis` the index extent fits in `x`'s.
void check_gather_shapes(const Tensor& x, std::int64_t axis, const Tensor& index, const char* op) {
  if (index.dim() != x.dim())
    fail(op, ": index of shape ", shape_str(index.shape()), " must have as many dimensions as ",
         shape_str(x.shape()));
  for (std::int64_t d = 0; d < x.dim(); ++d)
    if (d != axis && index.shape()[d] > x.shape()[d])
      fail(op, ": index of shape ", shape_str(index.shape()), " is larger than ",
           shape_str(x.shape()), " on axis ", d);
}

// Calls fn(position_in_index, offset_in_x) for every element of `index`,
// where offset_in_x addresses x at the same position with the `axis`
// coordinate replaced by the index value (bounds-checked).
template <class Fn>
void for_each_indexed(const Tensor& x, std::int64_t axis, const Tensor& index, const char* op,
                      Fn&& fn) {
  const Tensor idx = index.contiguous();
  const std::int64_t* iv = idx.data<std::int64_t>();
  const Shape& shape = idx.shape();
  std::vector<std::int64_t> pos(shape.size(), 0);
  const std::int64_t size = x.shape()[axis];
  for (std::int64_t k = 0; k < idx.numel(); ++k) {
    const std::int64_t i = iv[k];
    if (i < 0 || i >= size)
      fail(op, ": index ", i, " is out of range for axis ", axis, " of size ", size,
           " (at position ", shape_str(pos), " of the index)");
    std::int64_t offset = x.offset();
    for (std::size_t d = 0; d < pos.size(); ++d)
      offset += (static_cast<std::int64_t>(d) == axis ? i : pos[d]) * x.strides()[d];
    fn(k, offset);
    for (std::size_t d = pos.size(); d-- > 0;) {  // row-major odometer
      if (++pos[d] < shape[d]) break;
      pos[d] = 0;
    }
  }
}

}  // namespace

Tensor cat(const std::vector<Tensor>& xs, std::int64_t axis) {
  if (xs.empty()) fail("cat: expected at least one tensor");
  const Tensor& first = xs.front();
  first.check_defined("cat");
  if (first.dim() == 0) fail("cat: cannot concatenate 0-d tensors (use stack)");
  const std::int64_t a = normalize_axis(axis, first.dim(), "cat");
  Shape shape = first.shape();
  shape[a] = 0;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const Tensor& x = xs[k];
    x.check_defined("cat");
    if (x.dtype() != first.dtype())
      fail("cat: tensor ", k, " has dtype ", dtype_name(x.dtype()), ", tensor 0 has ",
           dtype_name(first.dtype()));
    bool same = x.dim() == first.dim();
    for (std::int64_t d = 0; same && d < x.dim(); ++d) same = d == a || x.shape()[d] == first.shape()[d];
    if (!same)
      fail("cat: tensor ", k, " has shape ", shape_str(x.shape()), ", which differs from ",
           shape_str(first.shape()), " outside axis ", a);
    shape[a] += x.shape()[a];
  }
  Tensor out = Tensor::empty(shape, first.dtype());
  std::int64_t at = 0;
  for (const Tensor& x : xs) {
    out.slice(a, at, at + x.shape()[a]).copy_(x);
    at += x.shape()[a];
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& xs, std::int64_t axis) {
  if (xs.empty()) fail("stack: expected at least one tensor");
  const std::int64_t a = normalize_axis(axis, xs.front().dim() + 1, "stack");
  std::vector<Tensor> expanded;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    if (xs[k].shape() != xs.front().shape())
      fail("stack: tensor ", k, " has shape ", shape_str(xs[k].shape()), ", tensor 0 has ",
           shape_str(xs.front().shape()));
    expanded.push_back(xs[k].unsqueeze(a));
  }
  return cat(expanded, a);
}

Tensor gather(const Tensor& x, std::int64_t axis, const Tensor& index) {
  x.check_defined("gather");
  check_index_tensor(index, "gather");
  const std::int64_t a = normalize_axis(axis, x.dim(), "gather");
  check_gather_shapes(x, a, index, "gather");
  Tensor out = Tensor::empty(index.shape(), x.dtype());
  dispatch(x.dtype(), "gather", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = static_cast<const T*>(x.storage()->data());
    T* dst = out.data<T>();
    for_each_indexed(x, a, index, "gather", [&](std::int64_t k, std::int64_t off) { dst[k] = src[off]; });
  });
  return out;
}

Tensor scatter_add(const Tensor& base, std::int64_t axis, const Tensor& index, const Tensor& src) {
  base.check_defined("scatter_add");
  check_index_tensor(index, "scatter_add");
  src.check_defined("scatter_add");
  const std::int64_t a = normalize_axis(axis, base.dim(), "scatter_add");
  check_gather_shapes(base, a, index, "scatter_add");
  if (src.shape() != index.shape())
    fail("scatter_add: src of shape ", shape_str(src.shape()), " must have the index's shape ",
         shape_str(index.shape()));
  if (src.dtype() != base.dtype())
    fail("scatter_add: src dtype ", dtype_name(src.dtype()), " differs from base dtype ",
         dtype_name(base.dtype()));
  Tensor out = base.clone();
  dispatch(base.dtype(), "scatter_add", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const Tensor s = src.contiguous();
    const T* sv = s.data<T>();
    T* dst = static_cast<T*>(out.storage()->data());
    for_each_indexed(out, a, index, "scatter_add",
                     [&](std::int64_t k, std::int64_t off) { dst[off] += sv[k]; });
  });
  return out;
}

Tensor index_select(const Tensor& x, std::int64_t axis, const Tensor& indices) {
  x.check_defined("index_select");
  check_index_tensor(indices, "index_select");
  if (indices.dim() != 1)
    fail("index_select: indices must be 1-d, got shape ", shape_str(indices.shape()));
  const std::int64_t a = normalize_axis(axis, x.dim(), "index_select");
  Shape shape = x.shape();
  shape[a] = indices.numel();
  Tensor out = Tensor::empty(shape, x.dtype());
  const std::vector<std::int64_t> idx = indices.to_vector<std::int64_t>();
  for (std::size_t k = 0; k < idx.size(); ++k)
    if (idx[k] < 0 || idx[k] >= x.shape()[a])
      fail("index_select: index ", idx[k], " is out of range for axis ", a, " of size ",
           x.shape()[a], " (at position ", k, ")");
  // Rows of a contiguous tensor (a data loader gathering a batch of examples)
  // are contiguous blocks: copy each with memcpy instead of a strided copy_.
  if (a == 0 && x.is_contiguous() && x.numel() > 0) {
    const std::size_t row_bytes = static_cast<std::size_t>(x.numel() / x.shape()[0]) *
                                  dtype_size(x.dtype());
    const auto* src = static_cast<const unsigned char*>(x.storage()->data()) +
                      static_cast<std::size_t>(x.offset()) * dtype_size(x.dtype());
    auto* dst = static_cast<unsigned char*>(out.storage()->data());
    for (std::size_t k = 0; k < idx.size(); ++k)
      std::memcpy(dst + k * row_bytes, src + static_cast<std::size_t>(idx[k]) * row_bytes,
                  row_bytes);
    return out;
  }
  for (std::size_t k = 0; k < idx.size(); ++k)
    out.select(a, static_cast<std::int64_t>(k)).copy_(x.select(a, idx[k]));
  return out;
}

Tensor one_hot(const Tensor& labels, std::int64_t num_classes, DType dtype) {
  check_index_tensor(labels, "one_hot");
  if (num_classes <= 0) fail("one_hot: num_classes must be positive, got ", num_classes);
  Shape shape = labels.shape();
  shape.push_back(num_classes);
  Tensor out = zeros(shape, dtype);
  const std::vector<std::int64_t> l = labels.to_vector<std::int64_t>();
  dispatch(dtype, "one_hot", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* d = out.data<T>();
    for (std::size_t k = 0; k < l.size(); ++k) {
      if (l[k] < 0 || l[k] >= num_classes)
        fail("one_hot: label ", l[k], " at position ", k, " is outside [0, ", num_classes, ")");
      d[static_cast<std::int64_t>(k) * num_classes + l[k]] = T(1);
    }
  });
  return out;
}

}  // namespace tg
