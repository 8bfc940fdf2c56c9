#include "tensor/creation.hpp"

#include <cmath>
#include <cstring>

namespace tg {

Tensor empty(const Shape& shape, DType dtype) { return Tensor::empty(shape, dtype); }

Tensor full(const Shape& shape, double value, DType dtype) {
  Tensor out = Tensor::empty(shape, dtype);
  dispatch(dtype, "full", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* d = out.data<T>();
    const T v = static_cast<T>(value);
    for (std::int64_t i = 0; i < out.numel(); ++i) d[i] = v;
  });
  return out;
}

Tensor zeros(const Shape& shape, DType dtype) {
  Tensor out = Tensor::empty(shape, dtype);
  std::memset(out.raw_data(), 0, static_cast<std::size_t>(out.numel()) * dtype_size(dtype));
  return out;
}

Tensor ones(const Shape& shape, DType dtype) { return full(shape, 1.0, dtype); }
Tensor scalar(double value, DType dtype) { return full({}, value, dtype); }
Tensor zeros_like(const Tensor& like) { return zeros(like.shape(), like.dtype()); }
Tensor ones_like(const Tensor& like) { return ones(like.shape(), like.dtype()); }
Tensor full_like(const Tensor& like, double value) {
  return full(like.shape(), value, like.dtype());
}

Tensor eye(std::int64_t n, DType dtype) {
  Tensor out = zeros({n, n}, dtype);
  dispatch(dtype, "eye", [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (std::int64_t i = 0; i < n; ++i) out.data<T>()[i * n + i] = T(1);
  });
  return out;
}

Tensor arange(std::int64_t n, DType dtype) {
  if (n < 0) fail("arange: count must be non-negative, got ", n);
  return arange(0.0, static_cast<double>(n), 1.0, dtype);
}

Tensor arange(double start, double stop, double step, DType dtype) {
  if (step == 0 || !std::isfinite(step) || !std::isfinite(start) || !std::isfinite(stop))
    fail("arange: start, stop and step must be finite and step non-zero, got (", start, ", ",
         stop, ", ", step, ")");
  const double count = std::ceil((stop - start) / step);
  const auto n = static_cast<std::int64_t>(count > 0 ? count : 0);
  Tensor out = Tensor::empty({n}, dtype);
  dispatch(dtype, "arange", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* d = out.data<T>();
    for (std::int64_t i = 0; i < n; ++i) d[i] = static_cast<T>(start + static_cast<double>(i) * step);
  });
  return out;
}

Tensor linspace(double start, double stop, std::int64_t n, DType dtype) {
  if (n < 0) fail("linspace: count must be non-negative, got ", n);
  Tensor out = Tensor::empty({n}, dtype);
  const double step = n > 1 ? (stop - start) / static_cast<double>(n - 1) : 0.0;
  dispatch(dtype, "linspace", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* d = out.data<T>();
    for (std::int64_t i = 0; i < n; ++i)
      d[i] = static_cast<T>(i == n - 1 && n > 1 ? stop : start + static_cast<double>(i) * step);
  });
  return out;
}

template <class T>
Tensor from_vector(const std::vector<T>& values, Shape shape) {
  Tensor flat = Tensor::empty({static_cast<std::int64_t>(values.size())}, dtype_v<T>);
  if (!values.empty()) std::memcpy(flat.raw_data(), values.data(), values.size() * sizeof(T));
  return flat.view(std::move(shape));
}

template Tensor from_vector<float>(const std::vector<float>&, Shape);
template Tensor from_vector<double>(const std::vector<double>&, Shape);
template Tensor from_vector<std::int64_t>(const std::vector<std::int64_t>&, Shape);

namespace {
Tensor from_doubles(const std::vector<double>& values, const Shape& shape, DType dtype) {
  return from_vector(values, shape).to(dtype).contiguous();
}
}  // namespace

Tensor tensor(std::initializer_list<double> values, DType dtype) {
  return from_doubles(std::vector<double>(values), {static_cast<std::int64_t>(values.size())},
                      dtype);
}

Tensor tensor(std::initializer_list<std::initializer_list<double>> rows, DType dtype) {
  std::vector<double> values;
  const std::size_t cols = rows.size() ? rows.begin()->size() : 0;
  for (const auto& row : rows) {
    if (row.size() != cols)
      fail("tensor: ragged rows in literal (", row.size(), " vs ", cols, " elements)");
    values.insert(values.end(), row.begin(), row.end());
  }
  return from_doubles(values, {static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(cols)},
                      dtype);
}

Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<double>>> planes,
              DType dtype) {
  std::vector<double> values;
  const std::size_t rows = planes.size() ? planes.begin()->size() : 0;
  const std::size_t cols = rows ? planes.begin()->begin()->size() : 0;
  for (const auto& plane : planes) {
    if (plane.size() != rows) fail("tensor: ragged planes in literal");
    for (const auto& row : plane) {
      if (row.size() != cols) fail("tensor: ragged rows in literal");
      values.insert(values.end(), row.begin(), row.end());
    }
  }
  return from_doubles(values,
                      {static_cast<std::int64_t>(planes.size()), static_cast<std::int64_t>(rows),
                       static_cast<std::int64_t>(cols)},
                      dtype);
}

}  // namespace tg
