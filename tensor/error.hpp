// tensor/error.hpp — the one exception type tapegrad throws for user mistakes.
//
// Every message names the op, the shapes or values involved, and what was
// expected, e.g. `matmul: inner dimensions differ: [32, 784] @ [128, 10] (784 != 128)`.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace tg {

/// Thrown for every misuse a caller can cause: wrong shapes, mixed dtypes,
/// axes out of range, malformed files. Derives from std::runtime_error so
/// `catch (const std::exception&)` still works.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Builds a message from any streamable parts and throws tg::Error.
/// `fail("reshape: ", shape_str(s), " has ", n, " elements")`.
template <class... Parts>
[[noreturn]] void fail(Parts&&... parts) {
  std::ostringstream os;
  (os << ... << std::forward<Parts>(parts));
  throw Error(os.str());
}

}  // namespace tg
