#include "tensor/print.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <type_traits>
#include <vector>

namespace tg {

namespace {

// Note [print format]
// We follow PyTorch's repr (torch/_tensor_str.py, default print options),
// which is NumPy's layout with a fixed precision of 4:
//   * floats that are all integers print as "1.", "-3.";
//   * otherwise 4 decimals ("0.3333", "2.5000");
//   * scientific ("1.0000e+10") when the non-zero finite magnitudes span more
//     than a factor 1000, exceed 1e8, or (non-integers only) fall below 1e-4;
//   * every element is right-aligned to the widest one, rows wrap at 80
//     columns, and a tensor of more than 1000 elements shows only the first
//     and last 3 entries of each axis, with "..." between.
// The formatting choice looks at the values actually shown, so a summarised
// tensor is formatted by its visible corners.
constexpr int kPrecision = 4;
constexpr std::int64_t kEdgeItems = 3;
constexpr std::int64_t kSummarizeAbove = 1000;
constexpr std::int64_t kLineWidth = 80;

std::string printf_double(const char* format, double value) {
  char buf[400];  // the longest %.4f of a double is ~315 characters
  std::snprintf(buf, sizeof buf, format, kPrecision, value);
  return buf;
}

// Indices shown along an axis of length n; -1 stands for "...".
std::vector<std::int64_t> shown_indices(std::int64_t n, bool summarize) {
  std::vector<std::int64_t> out;
  if (summarize && n > 2 * kEdgeItems) {
    for (std::int64_t i = 0; i < kEdgeItems; ++i) out.push_back(i);
    out.push_back(-1);
    for (std::int64_t i = n - kEdgeItems; i < n; ++i) out.push_back(i);
  } else {
    for (std::int64_t i = 0; i < n; ++i) out.push_back(i);
  }
  return out;
}

// Element i of a 1-d view.
template <class T>
T element(const Tensor& v, std::int64_t i) {
  return v.data<T>()[i * v.strides()[0]];
}

// Decides, from every value that will be shown, how all of them are written.
template <class T>
class Formatter {
 public:
  explicit Formatter(const std::vector<T>& values) {
    if constexpr (std::is_floating_point_v<T>) choose_float_mode(values);
    else
      for (T v : values) width_ = std::max(width_, std::to_string(v).size());
  }

  /// `value` right-aligned to the common width.
  std::string format(T value) const {
    std::string s = text(value);
    if (s.size() < width_) s.insert(0, width_ - s.size(), ' ');
    return s;
  }
  std::size_t width() const { return width_; }

 private:
  void choose_float_mode(const std::vector<T>& values) {
    std::vector<double> finite;  // non-zero finite magnitudes
    for (T v : values) {
      if (std::isfinite(v) && v != 0) finite.push_back(std::abs(static_cast<double>(v)));
      if (std::isfinite(v) && v != std::ceil(v)) int_mode_ = false;
    }
    if (finite.empty()) return;  // only zeros, nan, inf: integer style
    const double lo = *std::min_element(finite.begin(), finite.end());
    const double hi = *std::max_element(finite.begin(), finite.end());
    sci_mode_ = hi / lo > 1000.0 || hi > 1.0e8 || (!int_mode_ && lo < 1.0e-4);
    for (T v : values)
      if (std::isfinite(v) && v != 0) width_ = std::max(width_, text(v).size());
  }

  std::string text(T value) const {
    if constexpr (!std::is_floating_point_v<T>) {
      return std::to_string(value);
    } else {
      const double v = value;
      if (std::isnan(v)) return "nan";
      if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
      if (sci_mode_) return printf_double("%.*e", v);
      if (int_mode_) return integer_text(v);  // "3."
      return printf_double("%.*f", v);
    }
  }

  static std::string integer_text(double v) {
    char buf[400];  // int mode only holds magnitudes below 1e8 (else sci), but be safe
    std::snprintf(buf, sizeof buf, "%.0f.", v);
    return buf;
  }

  bool int_mode_ = true;
  bool sci_mode_ = false;
  std::size_t width_ = 1;
};

// Renders one tensor of element type T; the recursion mirrors the nesting
// of the brackets.
template <class T>
class Printer {
 public:
  Printer(const Tensor& x, bool summarize)
      : summarize_(summarize), formatter_(shown_values(x)) {}

  std::string str(const Tensor& x, std::int64_t indent) const {
    if (x.dim() == 0) return formatter_.format(*x.data<T>());
    if (x.dim() == 1) return vector_str(x, indent);
    // [row, row, ...]: sub-tensors separated by dim-1 newlines.
    std::string separator = ",";
    separator.append(static_cast<std::size_t>(x.dim() - 1), '\n');
    separator.append(static_cast<std::size_t>(indent + 1), ' ');
    std::string out = "[";
    bool first = true;
    for (std::int64_t i : shown_indices(x.size(0), summarize_)) {
      if (!first) out += separator;
      first = false;
      out += i < 0 ? "..." : str(x.select(0, i), indent + 1);
    }
    return out + "]";
  }

 private:
  std::vector<T> shown_values(const Tensor& x) const {
    std::vector<T> out;
    collect(x, out);
    return out;
  }

  void collect(const Tensor& x, std::vector<T>& out) const {
    if (x.dim() == 0) { out.push_back(*x.data<T>()); return; }
    for (std::int64_t i : shown_indices(x.size(0), summarize_)) {
      if (i < 0) continue;
      if (x.dim() == 1) out.push_back(element<T>(x, i));
      else collect(x.select(0, i), out);
    }
  }

  // "[a, b, c]", wrapped so that a line stays within kLineWidth columns.
  std::string vector_str(const Tensor& v, std::int64_t indent) const {
    const auto per_line = static_cast<std::size_t>(std::max<std::int64_t>(
        1, (kLineWidth - indent) / static_cast<std::int64_t>(formatter_.width() + 2)));
    std::vector<std::string> items;
    for (std::int64_t i : shown_indices(v.size(0), summarize_))
      items.push_back(i < 0 ? " ..." : formatter_.format(element<T>(v, i)));
    std::string out = "[";
    for (std::size_t k = 0; k < items.size(); ++k) {
      if (k > 0 && k % per_line == 0) {
        out += ",\n";
        out.append(static_cast<std::size_t>(indent + 1), ' ');
      } else if (k > 0) {
        out += ", ";
      }
      out += items[k];
    }
    return out + "]";
  }

  bool summarize_;
  Formatter<T> formatter_;
};

}  // namespace

std::string to_string(const Tensor& x) {
  if (!x.defined()) return "tensor(undefined)";
  const std::string dtype = std::string(", dtype=") + dtype_name(x.dtype()) + ")";
  if (x.numel() == 0) return "tensor([], shape=" + shape_str(x.shape()) + dtype;
  const std::string prefix = "tensor(";
  const bool summarize = x.numel() > kSummarizeAbove;
  const std::string body = dispatch(x.dtype(), "to_string", [&](auto tag) {
    using T = typename decltype(tag)::type;
    return Printer<T>(x, summarize).str(x, static_cast<std::int64_t>(prefix.size()));
  });
  return prefix + body + dtype;
}

std::ostream& operator<<(std::ostream& os, const Tensor& x) { return os << to_string(x); }

}  // namespace tg
