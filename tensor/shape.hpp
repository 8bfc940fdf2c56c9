// tensor/shape.hpp — shapes, strides, axes and the broadcasting rule.
//
// A shape is a list of non-negative extents; strides are in elements (not
// bytes) and may be 0 (a broadcast/expanded axis) or any positive value (a view).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tg {

/// Extents, outermost axis first; empty for a 0-d (scalar) tensor.
using Shape = std::vector<std::int64_t>;
/// Per-axis steps in elements (not bytes); 0 on a broadcast axis.
using Strides = std::vector<std::int64_t>;
/// A list of axis indices; negative values count from the end.
using Axes = std::vector<std::int64_t>;

/// "[2, 3]" — used in every error message.
std::string shape_str(const Shape& shape);

/// Product of the extents (1 for a 0-d shape). Throws on negative extents or
/// overflow, naming `op`.
std::int64_t shape_numel(const Shape& shape, const char* op = "shape");

/// Row-major (C order) strides for `shape`.
Strides contiguous_strides(const Shape& shape);

/// Maps a possibly negative axis into [0, ndim). Throws
/// `op: axis 3 is out of range for a 2-d tensor (valid: -2..1)`.
std::int64_t normalize_axis(std::int64_t axis, std::int64_t ndim, const char* op);

/// Normalises and sorts a list of axes. An empty list means "all axes".
/// @throws tg::Error (naming `op`) if an axis is out of range or repeated.
Axes normalize_axes(const Axes& axes, std::int64_t ndim, const char* op);

/// NumPy broadcasting: align trailing dimensions; each pair must be equal or
/// one of them 1. Throws `add: shapes [2, 3] and [4] cannot be broadcast
/// (dimension -1: 3 vs 4)`.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

/// The shape after reducing over `axes` (already normalised).
Shape reduced_shape(const Shape& shape, const Axes& axes, bool keepdim);

}  // namespace tg
