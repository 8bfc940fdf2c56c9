#include "tensor/npy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <string_view>
#include <utility>

namespace tg {

namespace {

// Note [npy layout]
// A .npy file is: the magic "\x93NUMPY", one byte major and one byte minor
// version, the header length (2 bytes little endian in version 1.0, 4 bytes
// in 2.0 and 3.0), the header itself (a Python dict literal such as
// "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", padded with
// spaces and a final '\n' so that the data starts on a 64-byte boundary), and
// then the raw elements. 3.0 only differs from 2.0 in allowing UTF-8 in the
// header, which our byte-level parser does not care about.
constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::size_t kMaxDims = 64;   // NumPy 2 allows 64 dimensions
constexpr int kMaxNesting = 16;        // deepest literal the header parser follows

// Who is reading what, for error messages: "load_npy: 'x.npy': ...".
struct Where {
  const char* op;
  const std::string& name;
};

template <class... Parts>
[[noreturn]] void fail_in(const Where& where, Parts&&... parts) {
  fail(where.op, ": '", where.name, "': ", std::forward<Parts>(parts)...);
}

// Renders bytes for an error message, escaping anything unprintable.
std::string printable(std::string_view bytes, std::size_t limit = 40) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (bytes.size() > limit) out += "...";
  return out;
}

// --- the header dict: a tiny parser for Python literals ---------------------

// One parsed Python literal. Containers keep their elements in `items`; a
// dict stores key, value, key, value, ...
struct PyValue {
  enum class Kind { string, integer, boolean, none, tuple, list, dict };
  explicit PyValue(Kind k) : kind(k) {}
  Kind kind;
  std::string text;        // string
  std::int64_t integer = 0;
  bool boolean = false;
  std::vector<PyValue> items;
};

// Recursive descent over the grammar NumPy's writers produce (and a little
// more: double quotes, nested containers, trailing commas). It never reads
// past the end of its input and limits nesting, so arbitrary bytes only ever
// produce a tg::Error.
class LiteralParser {
 public:
  LiteralParser(std::string_view text, const Where& where) : text_(text), where_(where) {}

  PyValue parse_all() {
    PyValue v = parse_value(0);
    skip_space();
    if (pos_ != text_.size())
      fail_in(where_, "unexpected text after the header dict: '", printable(text_.substr(pos_)), "'");
    return v;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\n'))
      ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  [[noreturn]] void error(const char* what) {
    std::string_view shown = text_;
    while (!shown.empty() && (shown.back() == ' ' || shown.back() == '\n')) shown.remove_suffix(1);
    fail_in(where_, "malformed header: ", what, " at byte ", pos_, " of '", printable(shown, 120), "'");
  }

  PyValue parse_value(int depth) {
    if (depth > kMaxNesting) error("nesting too deep");
    skip_space();
    const char c = peek();
    if (c == '\'' || c == '"') return parse_string();
    if (c == '-' || c == '+' || (c >= '0' && c <= '9')) return parse_integer();
    if (c == '(') return parse_sequence(PyValue::Kind::tuple, ')', depth);
    if (c == '[') return parse_sequence(PyValue::Kind::list, ']', depth);
    if (c == '{') return parse_sequence(PyValue::Kind::dict, '}', depth);
    return parse_word();
  }

  PyValue parse_string() {
    const char quote = text_[pos_++];
    PyValue v(PyValue::Kind::string);
    while (!at_end() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;  // \' \" \\ keep the next byte
      v.text += text_[pos_++];
    }
    if (at_end()) error("unterminated string");
    ++pos_;  // closing quote
    return v;
  }

  PyValue parse_integer() {
    bool negative = false;
    if (peek() == '-' || peek() == '+') negative = text_[pos_++] == '-';
    if (!(peek() >= '0' && peek() <= '9')) error("expected digits");
    // Accumulate as a negative number so that INT64_MIN still fits.
    constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
    std::int64_t value = 0;
    while (peek() >= '0' && peek() <= '9') {
      const int digit = text_[pos_++] - '0';
      if (value < (lowest + digit) / 10) error("integer does not fit in 64 bits");
      value = value * 10 - digit;
    }
    if (peek() == 'L') ++pos_;  // Python 2 long literal, as in very old files
    if (!negative && value == lowest) error("integer does not fit in 64 bits");
    PyValue v(PyValue::Kind::integer);
    v.integer = negative ? value : -value;
    return v;
  }

  PyValue parse_word() {
    const std::size_t start = pos_;
    while (!at_end() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    const std::string_view word = text_.substr(start, pos_ - start);
    PyValue v(PyValue::Kind::boolean);
    if (word == "True") v.boolean = true;
    else if (word == "False") v.boolean = false;
    else if (word == "None") v.kind = PyValue::Kind::none;
    else error("expected a Python literal");
    return v;
  }

  // "(a, b, )", "[a, b]" or "{k: v, k: v, }".
  PyValue parse_sequence(PyValue::Kind kind, char close, int depth) {
    ++pos_;  // opening bracket
    PyValue v(kind);
    while (true) {
      skip_space();
      if (at_end()) error("unterminated container");
      if (peek() == close) { ++pos_; break; }
      v.items.push_back(parse_value(depth + 1));
      skip_space();
      if (kind == PyValue::Kind::dict) {
        if (peek() != ':') error("expected ':' in dict");
        ++pos_;
        v.items.push_back(parse_value(depth + 1));
        skip_space();
      }
      if (peek() == ',') ++pos_;
      else if (peek() != close) error("expected ',' or a closing bracket");
    }
    return v;
  }

  std::string_view text_;
  const Where& where_;
  std::size_t pos_ = 0;
};

// --- from the dict to a dtype, shape and layout ---------------------------

struct NpyHeader {
  DType dtype = DType::f32;
  bool byte_swap = false;     // the file's byte order differs from ours
  bool fortran_order = false;
  Shape shape;
  std::size_t data_offset = 0;  // where the elements start
  std::size_t data_bytes = 0;
};

constexpr bool kLittleEndianHost = std::endian::native == std::endian::little;

// '<f4' -> f32 (byte-swapped on a big-endian host), '>f8' -> f64 swapped, ...
void parse_descr(const PyValue& descr, const Where& where, NpyHeader& h) {
  if (descr.kind != PyValue::Kind::string)
    fail_in(where, "unsupported dtype: structured arrays are not supported (descr is not a string)");
  std::string_view d = descr.text;
  char order = '=';
  if (!d.empty() && (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=')) {
    order = d[0];
    d.remove_prefix(1);
  }
  if (d.find('O') != std::string_view::npos)
    fail_in(where, "object arrays ('", descr.text,
            "') hold pickled Python objects and are never loaded; save numbers instead");
  if (d == "f4") h.dtype = DType::f32;
  else if (d == "f8") h.dtype = DType::f64;
  else if (d == "i8") h.dtype = DType::i64;
  else
    fail_in(where, "unsupported dtype '", printable(descr.text),
            "' (supported: '<f4', '<f8', '<i8', either byte order; convert with .astype())");
  if (order == '|')
    fail_in(where, "dtype '", descr.text, "' has no byte order ('|'), which only makes sense for "
            "one-byte types");
  const bool file_little = order == '<' || (order == '=' && kLittleEndianHost);
  h.byte_swap = file_little != kLittleEndianHost;
}

void parse_shape(const PyValue& shape, const Where& where, NpyHeader& h) {
  if (shape.kind != PyValue::Kind::tuple)
    fail_in(where, "'shape' must be a tuple of integers");
  if (shape.items.size() > kMaxDims)
    fail_in(where, "shape has ", shape.items.size(), " dimensions (at most ", kMaxDims, ")");
  // Elements and strides must be addressable in bytes: we bound the product of
  // the extents (size 0 counted as 1, as contiguous_strides does) times the
  // element size by INT64_MAX.
  const std::int64_t itemsize = static_cast<std::int64_t>(dtype_size(h.dtype));
  std::int64_t span = itemsize;
  std::int64_t numel = 1;
  for (const PyValue& e : shape.items) {
    if (e.kind != PyValue::Kind::integer) fail_in(where, "'shape' must be a tuple of integers");
    if (e.integer < 0) fail_in(where, "negative dimension ", e.integer, " in shape");
    const std::int64_t d = std::max<std::int64_t>(e.integer, 1);
    if (span > std::numeric_limits<std::int64_t>::max() / d)
      fail_in(where, "shape is too large (the byte count overflows 64 bits)");
    span *= d;
    numel *= e.integer;
    h.shape.push_back(e.integer);
  }
  h.data_bytes = static_cast<std::size_t>(numel * itemsize);
}

// Reads the dict at `text` into `h`: exactly the keys descr, fortran_order, shape.
void parse_dict(std::string_view text, const Where& where, NpyHeader& h) {
  const PyValue dict = LiteralParser(text, where).parse_all();
  if (dict.kind != PyValue::Kind::dict) fail_in(where, "header is not a dict");
  const PyValue* descr = nullptr;
  const PyValue* fortran = nullptr;
  const PyValue* shape = nullptr;
  for (std::size_t i = 0; i < dict.items.size(); i += 2) {
    const PyValue& key = dict.items[i];
    const PyValue* value = &dict.items[i + 1];
    const PyValue** slot = nullptr;
    if (key.kind == PyValue::Kind::string) {
      if (key.text == "descr") slot = &descr;
      else if (key.text == "fortran_order") slot = &fortran;
      else if (key.text == "shape") slot = &shape;
    }
    if (slot == nullptr)
      fail_in(where, "unexpected key '", printable(key.text), "' in the header "
              "(expected exactly 'descr', 'fortran_order', 'shape')");
    if (*slot != nullptr) fail_in(where, "key '", key.text, "' appears twice in the header");
    *slot = value;
  }
  if (!descr || !fortran || !shape)
    fail_in(where, "header lacks '", !descr ? "descr" : !fortran ? "fortran_order" : "shape", "'");
  if (fortran->kind != PyValue::Kind::boolean)
    fail_in(where, "'fortran_order' must be True or False");
  h.fortran_order = fortran->boolean;
  parse_descr(*descr, where, h);
  parse_shape(*shape, where, h);
}

std::uint32_t read_le(std::string_view bytes) {
  std::uint32_t v = 0;
  for (std::size_t i = bytes.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

// Checks the magic and version at the start of `head` (at least the first 12
// bytes of the file, or all of it) and returns where the data begins.
std::size_t data_offset(std::string_view head, std::uint64_t file_size, const Where& where) {
  const std::string_view start = head.substr(0, std::min(head.size(), kMagic.size()));
  if (start == kMagic.substr(0, start.size()) && head.size() < kMagic.size() + 2 && !head.empty())
    fail_in(where, "truncated: the file ends inside the preamble (", head.size(), " bytes)");
  if (head.size() < kMagic.size() + 2 || start != kMagic)
    fail_in(where, "not a .npy file (wrong magic: expected '\\x93NUMPY', found '",
            printable(head.substr(0, kMagic.size() + 2)), "')");
  const int major = static_cast<unsigned char>(head[6]);
  const int minor = static_cast<unsigned char>(head[7]);
  if (major < 1 || major > 3 || minor != 0)
    fail_in(where, "unknown .npy version ", major, ".", minor, " (supported: 1.0, 2.0, 3.0)");
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (head.size() < 8 + len_bytes) fail_in(where, "truncated: the file ends inside the preamble");
  const std::uint64_t header_len = read_le(head.substr(8, len_bytes));
  const std::uint64_t offset = 8 + len_bytes + header_len;
  if (offset > file_size)
    fail_in(where, "header length ", header_len, " is larger than the file (", file_size,
            " bytes)");
  return static_cast<std::size_t>(offset);
}

// Parses everything before the data; `head` holds the first data_offset bytes.
NpyHeader parse_header(std::string_view head, std::uint64_t file_size, const Where& where) {
  NpyHeader h;
  h.data_offset = data_offset(head, file_size, where);
  const std::size_t dict_start = head[6] == 1 ? 10 : 12;
  parse_dict(head.substr(dict_start, h.data_offset - dict_start), where, h);
  const std::uint64_t available = file_size - h.data_offset;
  if (available < h.data_bytes)
    fail_in(where, "truncated: shape ", shape_str(h.shape), " of ", dtype_name(h.dtype), " needs ",
            h.data_bytes, " data bytes, the file has ", available);
  if (available > h.data_bytes)
    fail_in(where, available - h.data_bytes, " trailing bytes after the data of shape ",
            shape_str(h.shape), " (", h.data_bytes, " bytes expected)");
  return h;
}

void swap_bytes(void* data, std::size_t count, std::size_t itemsize) {
  auto* p = static_cast<unsigned char*>(data);
  for (std::size_t i = 0; i < count; ++i, p += itemsize) std::reverse(p, p + itemsize);
}

// Note [fortran order]
// A Fortran-order file stores the first axis fastest. Rather than reorder the
// bytes we do what NumPy does: wrap them with column-major strides. Values and
// indexing are exactly right; the tensor is simply not is_contiguous() (call
// .contiguous() for a row-major copy).
Tensor make_tensor(std::shared_ptr<Storage> storage, const NpyHeader& h) {
  if (h.byte_swap) swap_bytes(storage->data(), h.data_bytes / dtype_size(h.dtype), dtype_size(h.dtype));
  Strides strides = contiguous_strides(h.shape);
  if (h.fortran_order) {
    Shape reversed(h.shape.rbegin(), h.shape.rend());
    strides = contiguous_strides(reversed);
    std::reverse(strides.begin(), strides.end());
  }
  return Tensor(std::move(storage), h.dtype, h.shape, std::move(strides), 0);
}

// --- writing ---------------------------------------------------------------

std::string header_dict(const Tensor& x) {
  const char* descr = x.dtype() == DType::f32 ? "<f4" : x.dtype() == DType::f64 ? "<f8" : "<i8";
  std::string shape = "(";
  for (std::int64_t d : x.shape()) shape += std::to_string(d) + ", ";
  if (x.dim() > 1) shape.resize(shape.size() - 2);      // (2, 3)
  else if (x.dim() == 1) shape.resize(shape.size() - 1);  // (3,)
  shape += ")";
  return std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape +
         ", }";
}

[[noreturn]] void fail_io(const std::string& path, const char* what) {
  fail("save_npy: '", path, "': ", what, ": ", std::strerror(errno));
}

}  // namespace

std::string to_npy_bytes(const Tensor& x) {
  x.check_defined("to_npy_bytes");
  // Version 1.0 unless the header would not fit its 2-byte length (it
  // would take thousands of dimensions). Pad with spaces and end with '\n' so
  // that the data starts on a 64-byte boundary.
  std::string dict = header_dict(x);
  const std::size_t unpadded = dict.size() + 1;  // + '\n'
  const bool v1 = (10 + unpadded + 63) / 64 * 64 - 10 <= 65535;
  const std::size_t preamble = v1 ? 10 : 12;
  const std::size_t total = (preamble + unpadded + 63) / 64 * 64;
  dict.append(total - preamble - unpadded, ' ');
  dict += '\n';

  std::string out(kMagic);
  out += static_cast<char>(v1 ? 1 : 2);
  out += '\0';
  const std::size_t len = dict.size();
  for (std::size_t i = 0; i < preamble - 8; ++i) out += static_cast<char>((len >> (8 * i)) & 0xff);
  out += dict;

  const Tensor c = x.contiguous();
  const std::size_t nbytes = static_cast<std::size_t>(c.numel()) * dtype_size(c.dtype());
  const std::size_t start = out.size();
  out.append(static_cast<const char*>(c.raw_data()), nbytes);
  if (!kLittleEndianHost) swap_bytes(out.data() + start, c.numel(), dtype_size(c.dtype()));
  return out;
}

Tensor parse_npy(const std::string& bytes, const std::string& name) {
  const Where where{"parse_npy", name};
  const NpyHeader h = parse_header(bytes, bytes.size(), where);
  auto storage = std::make_shared<Storage>(h.data_bytes);
  if (h.data_bytes > 0) std::memcpy(storage->data(), bytes.data() + h.data_offset, h.data_bytes);
  return make_tensor(std::move(storage), h);
}

Tensor load_npy(const std::string& path) {
  const Where where{"load_npy", path};
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) fail_in(where, "cannot open the file: ", std::strerror(errno));
  const std::streamoff end = in.tellg();
  if (end < 0) fail_in(where, "cannot determine the file size");
  const auto file_size = static_cast<std::uint64_t>(end);
  in.seekg(0);
  // Read the preamble, then the rest of the header, then the data straight
  // into aligned storage (no second copy of a large file).
  std::string head(static_cast<std::size_t>(std::min<std::uint64_t>(file_size, 12)), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (!in) fail_in(where, "cannot read the file: ", std::strerror(errno));
  const std::size_t offset = data_offset(head, file_size, where);
  if (offset > head.size()) {
    const std::size_t have = head.size();
    head.resize(offset);
    in.read(head.data() + have, static_cast<std::streamsize>(offset - have));
    if (!in) fail_in(where, "read error inside the header");
  }
  const NpyHeader h = parse_header(std::string_view(head).substr(0, offset), file_size, where);
  auto storage = std::make_shared<Storage>(h.data_bytes);
  in.seekg(static_cast<std::streamoff>(h.data_offset));
  in.read(static_cast<char*>(storage->data()), static_cast<std::streamsize>(h.data_bytes));
  if (!in) fail_in(where, "read error after ", in.gcount(), " data bytes");
  return make_tensor(std::move(storage), h);
}

void save_npy(const std::string& path, const Tensor& x) {
  const std::string bytes = to_npy_bytes(x);
  // Note [atomic write]: write a temporary file next to the target, flush it
  // to disk, then rename over the target. A crash leaves either the old file
  // or the new one, never half of one. O_EXCL + a per-process counter keeps
  // concurrent writers from sharing a temporary.
  static std::atomic<unsigned> counter{0};
  const std::string tmp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail_io(path, "cannot create a temporary file next to it");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = err;
      fail_io(path, "write failed");
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed) {
    const int err = errno;
    ::unlink(tmp.c_str());
    errno = err;
    fail_io(path, "cannot flush the temporary file");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    errno = err;
    fail_io(path, "cannot rename the temporary file into place");
  }
}

}  // namespace tg
