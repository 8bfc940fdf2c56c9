// tensor/dtype.hpp — the runtime element-type tag and the one place that
// turns it back into a C++ type.
//
// Kernels are templates over the element type; an op looks at the runtime
// `DType` once, at its boundary, with `dispatch(...)`, and runs the template
// instantiation for that type. Nothing below the boundary branches on dtype.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tensor/error.hpp"

namespace tg {

/// Element types. f32 is the default; f64 is for gradient checks and precise
/// reductions; i64 holds labels and indices.
enum class DType : std::uint8_t { f32, f64, i64 };

/// "f32", "f64" or "i64" (for messages and printing).
inline const char* dtype_name(DType d) {
  switch (d) {
    case DType::f32: return "f32";
    case DType::f64: return "f64";
    case DType::i64: return "i64";
  }
  return "?";
}

/// Bytes per element: 4 for f32, 8 for f64 and i64.
inline std::size_t dtype_size(DType d) {
  return d == DType::f32 ? 4 : 8;
}

/// True for f32 and f64.
inline bool is_floating(DType d) { return d != DType::i64; }

/// The DType of a C++ element type (defined for float, double, std::int64_t only).
template <class T> struct dtype_of;
/// float is f32.
template <> struct dtype_of<float> { static constexpr DType value = DType::f32; /**< f32 */ };
/// double is f64.
template <> struct dtype_of<double> { static constexpr DType value = DType::f64; /**< f64 */ };
/// std::int64_t is i64.
template <> struct dtype_of<std::int64_t> { static constexpr DType value = DType::i64; /**< i64 */ };
/// `dtype_of<T>::value`: `dtype_v<float> == DType::f32`.
template <class T> inline constexpr DType dtype_v = dtype_of<T>::value;

/// A value that carries a type: `dispatch` hands one of these to its functor.
template <class T> struct type_tag { using type = T; /**< the carried type */ };

/// Calls `fn(type_tag<T>{})` with T the C++ type of `d`.
/// Use as:
///
///     dispatch(x.dtype(), "exp", [&](auto tag) { using T = typename decltype(tag)::type; ... });
template <class Fn>
decltype(auto) dispatch(DType d, const char* /*op*/, Fn&& fn) {
  switch (d) {
    case DType::f32: return fn(type_tag<float>{});
    case DType::f64: return fn(type_tag<double>{});
    case DType::i64: return fn(type_tag<std::int64_t>{});
  }
  fail("dispatch: unknown dtype");
}

/// Like `dispatch`, but only for f32/f64; i64 raises an error naming `op`.
template <class Fn>
decltype(auto) dispatch_floating(DType d, const char* op, Fn&& fn) {
  switch (d) {
    case DType::f32: return fn(type_tag<float>{});
    case DType::f64: return fn(type_tag<double>{});
    case DType::i64: break;
  }
  fail(op, ": expected a floating dtype (f32 or f64), got ", dtype_name(d),
       "; convert with .to(tg::DType::f32)");
}

}  // namespace tg
