// tensor/error.hpp — the one exception type tapegrad throws for user mistakes.
//
// Every message names the op, the shapes or values involved, and what was
// expected, e.g. `matmul: inner dimensions differ: [32, 784] @ [128, 10] (784 != 128)`.
#pragma once

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace tg {

/// Thrown for every misuse a caller can cause: wrong shapes, mixed dtypes,
/// axes out of range, malformed files. Derives from std::runtime_error so
/// `catch (const std::exception&)` still works.
class Error : public std::runtime_error {
 public:
  /// An error whose what() is `message`.
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

namespace detail {
/// Streams one part of an error message. A NaN prints as "nan" whatever its
/// sign bit: whether an operation yields +nan or -nan depends on the
/// instruction the compiler picked, and messages must not change with it.
template <class Part>
void put_message_part(std::ostream& os, Part&& part) {
  if constexpr (std::is_floating_point_v<std::decay_t<Part>>) {
    if (std::isnan(part)) {
      os << "nan";
      return;
    }
  }
  os << std::forward<Part>(part);
}
}  // namespace detail

/// Builds a message from any streamable parts and throws tg::Error.
/// `fail("reshape: ", shape_str(s), " has ", n, " elements")`.
template <class... Parts>
[[noreturn]] void fail(Parts&&... parts) {
  std::ostringstream os;
  (detail::put_message_part(os, std::forward<Parts>(parts)), ...);
  throw Error(os.str());
}

}  // namespace tg
