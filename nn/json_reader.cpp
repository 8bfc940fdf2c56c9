#include "nn/json_reader.hpp"

#include <limits>
#include <set>

#include "tensor/error.hpp"

namespace tg::nn {

const JsonValue* JsonValue::find(std::string_view key) const {
  if (kind != Kind::object) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key) return &items[i];
  return nullptr;
}

const char* json_kind_name(JsonValue::Kind kind) {
  switch (kind) {
    case JsonValue::Kind::object: return "an object";
    case JsonValue::Kind::array: return "an array";
    case JsonValue::Kind::string: return "a string";
    case JsonValue::Kind::integer: return "an integer";
  }
  return "?";
}

namespace {

constexpr int kMaxDepth = 64;  // containers inside containers

// Recursive descent, one function per production of the JSON grammar.
class Reader {
 public:
  Reader(std::string_view text, const std::string& where) : text_(text), where_(where) {}

  JsonValue parse_document() {
    JsonValue v = parse_value(0);
    skip_space();
    if (pos_ != text_.size()) error("unexpected text after the value");
    return v;
  }

 private:
  [[noreturn]] void error(const std::string& what) const {
    fail(where_, ": invalid JSON: ", what, " at byte ", pos_);
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
      ++pos_;
  }
  void expect(char c) {
    if (peek() != c) error(std::string("expected '") + c + "'");
    ++pos_;
  }

  JsonValue parse_value(int depth) {
    skip_space();
    const char c = peek();
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    if (c == '"') {
      JsonValue v;
      v.kind = JsonValue::Kind::string;
      v.string = parse_string();
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_integer();
    if (at_end()) error("unexpected end of input");
    error("unsupported value (only objects, arrays, strings and integers are allowed)");
  }

  JsonValue parse_object(int depth) {
    if (depth >= kMaxDepth) error("nesting deeper than 64");
    JsonValue v;
    v.kind = JsonValue::Kind::object;
    std::set<std::string, std::less<>> seen;
    ++pos_;  // '{'
    skip_space();
    if (peek() == '}') { ++pos_; return v; }
    while (true) {
      skip_space();
      if (peek() != '"') error("expected a string key");
      std::string key = parse_string();
      if (!seen.insert(key).second) error("duplicate key '" + key + "'");
      skip_space();
      expect(':');
      v.items.push_back(parse_value(depth + 1));
      v.keys.push_back(std::move(key));
      skip_space();
      if (peek() == ',') { ++pos_; continue; }
      expect('}');
      return v;
    }
  }

  JsonValue parse_array(int depth) {
    if (depth >= kMaxDepth) error("nesting deeper than 64");
    JsonValue v;
    v.kind = JsonValue::Kind::array;
    ++pos_;  // '['
    skip_space();
    if (peek() == ']') { ++pos_; return v; }
    while (true) {
      v.items.push_back(parse_value(depth + 1));
      skip_space();
      if (peek() == ',') { ++pos_; continue; }
      expect(']');
      return v;
    }
  }

  JsonValue parse_integer() {
    const bool negative = peek() == '-';
    if (negative) ++pos_;
    if (!(peek() >= '0' && peek() <= '9')) error("expected a digit");
    if (peek() == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' && text_[pos_ + 1] <= '9')
      error("leading zero in a number");
    // Accumulate negatively so that INT64_MIN fits.
    constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
    std::int64_t value = 0;
    while (peek() >= '0' && peek() <= '9') {
      const int digit = text_[pos_++] - '0';
      if (value < (lowest + digit) / 10) error("integer does not fit in 64 bits");
      value = value * 10 - digit;
    }
    if (peek() == '.' || peek() == 'e' || peek() == 'E')
      error("numbers with a fraction or exponent are not supported");
    if (!negative && value == lowest) error("integer does not fit in 64 bits");
    JsonValue v;
    v.kind = JsonValue::Kind::integer;
    v.integer = negative ? value : -value;
    return v;
  }

  std::string parse_string();
  std::uint32_t parse_hex4();
  void append_utf8_run(std::string& out);

  std::string_view text_;
  const std::string& where_;
  std::size_t pos_ = 0;
};

void append_code_point(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::uint32_t Reader::parse_hex4() {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = peek();
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) error("expected four hex digits after \\u");
    v = v * 16 + static_cast<std::uint32_t>(d);
    ++pos_;
  }
  return v;
}

// Copies one UTF-8 encoded character, checking that it is well formed
// (no overlong forms, no surrogates, nothing above U+10FFFF).
void Reader::append_utf8_run(std::string& out) {
  const auto lead = static_cast<unsigned char>(peek());
  int extra = lead >= 0xF0 && lead <= 0xF4 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC2 ? 1 : -1;
  if (lead >= 0xF5 || extra < 0) error("invalid UTF-8");
  std::uint32_t cp = lead & (0x3F >> extra);
  if (pos_ + static_cast<std::size_t>(extra) >= text_.size()) error("truncated UTF-8");
  for (int i = 1; i <= extra; ++i) {
    const auto c = static_cast<unsigned char>(text_[pos_ + static_cast<std::size_t>(i)]);
    if ((c & 0xC0) != 0x80) error("invalid UTF-8");
    cp = (cp << 6) | (c & 0x3F);
  }
  const std::uint32_t min_cp = extra == 1 ? 0x80 : extra == 2 ? 0x800 : 0x10000;
  if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) error("invalid UTF-8");
  out.append(text_.substr(pos_, static_cast<std::size_t>(extra) + 1));
  pos_ += static_cast<std::size_t>(extra) + 1;
}

std::string Reader::parse_string() {
  ++pos_;  // opening quote
  std::string out;
  while (true) {
    if (at_end()) error("unterminated string");
    const auto c = static_cast<unsigned char>(peek());
    if (c == '"') { ++pos_; return out; }
    if (c < 0x20) error("raw control character in a string");
    if (c >= 0x80) { append_utf8_run(out); continue; }
    ++pos_;
    if (c != '\\') { out += static_cast<char>(c); continue; }
    const char e = peek();
    ++pos_;
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        std::uint32_t cp = parse_hex4();
        if (cp >= 0xDC00 && cp <= 0xDFFF) error("unpaired low surrogate");
        if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate needs its low half
          if (peek() != '\\' || pos_ + 1 >= text_.size() || text_[pos_ + 1] != 'u')
            error("unpaired high surrogate");
          pos_ += 2;
          const std::uint32_t low = parse_hex4();
          if (low < 0xDC00 || low > 0xDFFF) error("unpaired high surrogate");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        append_code_point(out, cp);
        break;
      }
      default: --pos_; error("invalid escape");
    }
  }
}

}  // namespace

JsonValue parse_json(std::string_view text, const std::string& where) {
  return Reader(text, where).parse_document();
}

}  // namespace tg::nn
