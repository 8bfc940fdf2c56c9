#include "tensor/shape.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "tensor/error.hpp"

namespace tg {

std::string shape_str(const Shape& shape) {
  std::ostringstream os;
  os << '[';
  for (std::size_t i = 0; i < shape.size(); ++i) os << (i ? ", " : "") << shape[i];
  os << ']';
  return os.str();
}

std::int64_t shape_numel(const Shape& shape, const char* op) {
  // The product of the extents with 0 counted as 1 must fit as well: it is
  // the largest contiguous stride, so [0, 2^40, 2^40] is empty yet refused.
  std::int64_t n = 1, span = 1;
  for (std::int64_t d : shape) {
    if (d < 0) fail(op, ": negative dimension in shape ", shape_str(shape));
    const std::int64_t extent = std::max<std::int64_t>(d, 1);
    if (span > std::numeric_limits<std::int64_t>::max() / extent)
      fail(op, ": shape ", shape_str(shape), " has too many elements (overflow)");
    span *= extent;
    n *= d;  // n <= span: no overflow
  }
  return n;
}

Strides contiguous_strides(const Shape& shape) {
  Strides strides(shape.size());
  std::int64_t s = 1;
  for (std::size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<std::int64_t>(shape[i], 1);
  }
  return strides;
}

std::int64_t normalize_axis(std::int64_t axis, std::int64_t ndim, const char* op) {
  // A 0-d tensor accepts axis 0 / -1 the way NumPy does for reductions.
  const std::int64_t n = std::max<std::int64_t>(ndim, 1);
  if (axis < -n || axis >= n)
    fail(op, ": axis ", axis, " is out of range for a ", ndim, "-d tensor (valid: ", -n,
         "..", n - 1, ")");
  return axis < 0 ? axis + n : axis;
}

Axes normalize_axes(const Axes& axes, std::int64_t ndim, const char* op) {
  Axes out;
  if (axes.empty()) {
    for (std::int64_t i = 0; i < ndim; ++i) out.push_back(i);
    return out;
  }
  for (std::int64_t a : axes) out.push_back(normalize_axis(a, ndim, op));
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end())
    fail(op, ": axis list repeats an axis");
  if (ndim == 0) out.clear();  // reducing a 0-d tensor over "axis 0" is the identity
  return out;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const std::size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Walk from the trailing dimension; a missing dimension acts like 1.
    const std::int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    const std::int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      fail(op, ": shapes ", shape_str(a), " and ", shape_str(b),
           " cannot be broadcast (dimension -", i + 1, ": ", da, " vs ", db, ")");
    out[n - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

Shape reduced_shape(const Shape& shape, const Axes& axes, bool keepdim) {
  Shape out;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const bool reduced = std::find(axes.begin(), axes.end(), std::int64_t(i)) != axes.end();
    if (!reduced) out.push_back(shape[i]);
    else if (keepdim) out.push_back(1);
  }
  return out;
}

}  // namespace tg
