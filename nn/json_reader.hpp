// nn/json_reader.hpp — a small, strict JSON reader for file headers.
//
// Reads the subset of JSON (RFC 8259) that safetensors headers use:
// objects, arrays, strings (with every escape, \uXXXX surrogate pairs
// included, decoded to UTF-8) and integers that fit in int64. Anything else
// is refused with a tg::Error: numbers with a fraction or exponent, true,
// false, null, duplicate keys in an object, invalid UTF-8, raw control
// characters in strings, leading zeros, nesting deeper than 64, and text
// after the value. It never reads outside its input, so arbitrary bytes give
// an error, never a crash.
//
//   auto v = tg::nn::parse_json(R"({"a": [1, 2]})", "header of 'x.safetensors'");
//   v.find("a")->items[1].integer;   // 2
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tg::nn {

/// One JSON value: which kind it is, and the member for that kind.
struct JsonValue {
  /// The kinds of value this reader accepts.
  enum class Kind { object, array, string, integer };
  Kind kind = Kind::object;        ///< which of the members below holds the value
  std::string string;              ///< Kind::string
  std::int64_t integer = 0;        ///< Kind::integer
  std::vector<JsonValue> items;    ///< array elements, or object values
  std::vector<std::string> keys;   ///< object keys, keys[i] names items[i], in file order

  /// The value of `key` in an object, or nullptr (also for non-objects).
  const JsonValue* find(std::string_view key) const;
};

/// "an object", "an array", "a string" or "an integer", for error messages.
const char* json_kind_name(JsonValue::Kind kind);

/// Parses `text` as one JSON value. Errors read
/// "<where>: invalid JSON: <problem> at byte <offset>".
JsonValue parse_json(std::string_view text, const std::string& where);

}  // namespace tg::nn
