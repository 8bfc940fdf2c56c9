#include "nn/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <tuple>

#include "nn/json_reader.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

namespace {

// Note [safetensors layout]
// [8 bytes: header length N, little endian][N bytes: JSON header, padded with
// spaces][data]. Every tensor names its bytes with data_offsets [begin, end)
// relative to the start of the data. Like the reference implementation we
// require the tensors to tile the data exactly: sorted by offset, each one
// starts where the previous one ended, and the last one ends at the end of
// the file. Gaps, overlaps and trailing bytes are refused: they are where a
// corrupted or crafted file would hide.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // the reference's limit
constexpr bool kLittleEndianHost = std::endian::native == std::endian::little;

struct Where {
  const char* op;
  const std::string& file;
};

template <class... Parts>
[[noreturn]] void fail_in(const Where& where, Parts&&... parts) {
  fail(where.op, ": '", where.file, "': ", std::forward<Parts>(parts)...);
}

// One tensor as the header describes it.
struct Entry {
  std::string name;
  DType dtype = DType::f32;
  Shape shape;
  std::uint64_t begin = 0, end = 0;
};

const char* safetensors_dtype(DType d) {
  return d == DType::f32 ? "F32" : d == DType::f64 ? "F64" : "I64";
}

DType parse_dtype(const JsonValue& v, const std::string& tensor, const Where& where) {
  if (v.kind != JsonValue::Kind::string)
    fail_in(where, "tensor '", tensor, "': 'dtype' must be a string, got ", json_kind_name(v.kind));
  if (v.string == "F32") return DType::f32;
  if (v.string == "F64") return DType::f64;
  if (v.string == "I64") return DType::i64;
  static const std::set<std::string, std::less<>> others = {
      "BOOL", "U8", "I8", "U16", "I16", "F16", "BF16", "U32", "I32", "U64",
      "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64"};
  if (others.count(v.string))
    fail_in(where, "tensor '", tensor, "': dtype ", v.string,
            " is not supported by tapegrad (supported: F32, F64, I64); convert it before saving");
  fail_in(where, "tensor '", tensor, "': unknown dtype '", v.string, "'");
}

// The shape, checking that numel * itemsize fits in 64 bits; returns that byte count.
std::uint64_t parse_shape(const JsonValue& v, Entry& e, const Where& where) {
  if (v.kind != JsonValue::Kind::array)
    fail_in(where, "tensor '", e.name, "': 'shape' must be an array of integers");
  std::uint64_t bytes = dtype_size(e.dtype);
  bool empty = false;
  for (const JsonValue& d : v.items) {
    if (d.kind != JsonValue::Kind::integer || d.integer < 0)
      fail_in(where, "tensor '", e.name, "': 'shape' must hold non-negative integers");
    e.shape.push_back(d.integer);
    empty = empty || d.integer == 0;
    const auto extent = static_cast<std::uint64_t>(std::max<std::int64_t>(d.integer, 1));
    if (bytes > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / extent)
      fail_in(where, "tensor '", e.name, "': shape is too large (its byte count overflows)");
    bytes *= extent;
  }
  return empty ? 0 : bytes;
}

void parse_offsets(const JsonValue& v, Entry& e, const Where& where) {
  if (v.kind != JsonValue::Kind::array || v.items.size() != 2 ||
      v.items[0].kind != JsonValue::Kind::integer || v.items[1].kind != JsonValue::Kind::integer ||
      v.items[0].integer < 0 || v.items[1].integer < v.items[0].integer)
    fail_in(where, "tensor '", e.name, "': 'data_offsets' must be [begin, end] with 0 <= begin <= end");
  e.begin = static_cast<std::uint64_t>(v.items[0].integer);
  e.end = static_cast<std::uint64_t>(v.items[1].integer);
}

Entry parse_entry(const std::string& name, const JsonValue& v, const Where& where) {
  Entry e;
  e.name = name;
  if (v.kind != JsonValue::Kind::object)
    fail_in(where, "tensor '", name, "': expected an object, got ", json_kind_name(v.kind));
  for (const std::string& key : v.keys)
    if (key != "dtype" && key != "shape" && key != "data_offsets")
      fail_in(where, "tensor '", name, "': unexpected field '", key,
              "' (expected dtype, shape, data_offsets)");
  const JsonValue* dtype = v.find("dtype");
  const JsonValue* shape = v.find("shape");
  const JsonValue* offsets = v.find("data_offsets");
  if (!dtype || !shape || !offsets)
    fail_in(where, "tensor '", name, "': missing field '",
            !dtype ? "dtype" : !shape ? "shape" : "data_offsets", "'");
  e.dtype = parse_dtype(*dtype, name, where);
  const std::uint64_t bytes = parse_shape(*shape, e, where);
  parse_offsets(*offsets, e, where);
  if (e.end - e.begin != bytes)
    fail_in(where, "tensor '", name, "': data_offsets [", e.begin, ", ", e.end, "] hold ",
            e.end - e.begin, " bytes, but shape ", shape_str(e.shape), " of ",
            safetensors_dtype(e.dtype), " needs ", bytes);
  return e;
}

void parse_metadata(const JsonValue& v, std::map<std::string, std::string>& out,
                    const Where& where) {
  if (v.kind != JsonValue::Kind::object)
    fail_in(where, "'__metadata__' must be an object of strings, got ", json_kind_name(v.kind));
  for (std::size_t i = 0; i < v.keys.size(); ++i) {
    if (v.items[i].kind != JsonValue::Kind::string)
      fail_in(where, "'__metadata__' must map strings to strings, but '", v.keys[i], "' holds ",
              json_kind_name(v.items[i].kind));
    out[v.keys[i]] = v.items[i].string;
  }
}

// Sorted by offset, the tensors must tile [0, data_size) exactly.
void check_coverage(std::vector<Entry>& entries, std::uint64_t data_size, const Where& where) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  std::uint64_t cursor = 0;
  const std::string* previous = nullptr;
  for (const Entry& e : entries) {
    if (e.end > data_size)
      fail_in(where, "tensor '", e.name, "': data_offsets [", e.begin, ", ", e.end,
              "] run past the end of the data (", data_size, " bytes); the file may be truncated");
    if (e.begin < cursor)
      fail_in(where, "tensor '", e.name, "': data_offsets [", e.begin, ", ", e.end,
              "] overlap tensor '", *previous, "', which ends at ", cursor);
    if (e.begin > cursor)
      fail_in(where, "tensor '", e.name, "': data_offsets start at ", e.begin, ", leaving a gap of ",
              e.begin - cursor, " bytes after ", previous ? "'" + *previous + "'" : "the header",
              " (the data must be fully covered)");
    cursor = e.end;
    if (e.end > e.begin) previous = &e.name;
  }
  if (cursor != data_size)
    fail_in(where, data_size - cursor, " trailing bytes after the last tensor (the data has ",
            data_size, " bytes, the tensors cover ", cursor, ")");
}

// Parses and validates the header; `data_size` is the number of bytes after it.
std::vector<Entry> parse_header(std::string_view header, std::uint64_t data_size,
                                std::map<std::string, std::string>& metadata, const Where& where) {
  const JsonValue root = parse_json(header, std::string(where.op) + ": '" + where.file + "': header");
  if (root.kind != JsonValue::Kind::object)
    fail_in(where, "the header must be a JSON object, got ", json_kind_name(root.kind));
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < root.keys.size(); ++i) {
    if (root.keys[i] == "__metadata__") parse_metadata(root.items[i], metadata, where);
    else entries.push_back(parse_entry(root.keys[i], root.items[i], where));
  }
  check_coverage(entries, data_size, where);
  return entries;
}

std::uint64_t read_u64_le(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// Checks the 8-byte length prefix against the file size; returns N.
std::uint64_t header_length(std::string_view prefix, std::uint64_t file_size, const Where& where) {
  if (file_size < 8)
    fail_in(where, "truncated: ", file_size, " bytes, too short for the 8-byte header length");
  const std::uint64_t n = read_u64_le(prefix.data());
  if (n > kMaxHeaderBytes)
    fail_in(where, "header length ", n, " exceeds the limit of ", kMaxHeaderBytes,
            " bytes (not a safetensors file?)");
  if (n > file_size - 8)
    fail_in(where, "header length ", n, " is larger than the file (", file_size, " bytes)");
  return n;
}

void swap_bytes(char* data, std::size_t count, std::size_t itemsize) {
  for (std::size_t i = 0; i < count; ++i, data += itemsize) std::reverse(data, data + itemsize);
}

// Makes the tensor for `e`; `fill` copies its bytes into the given buffer.
template <class Fill>
Tensor make_tensor(const Entry& e, Fill&& fill) {
  const std::size_t nbytes = static_cast<std::size_t>(e.end - e.begin);
  auto storage = std::make_shared<Storage>(nbytes);
  if (nbytes > 0) fill(static_cast<char*>(storage->data()));
  if (!kLittleEndianHost) swap_bytes(static_cast<char*>(storage->data()), nbytes / dtype_size(e.dtype), dtype_size(e.dtype));
  return Tensor(std::move(storage), e.dtype, e.shape, contiguous_strides(e.shape), 0);
}

}  // namespace

SafetensorsFile parse_safetensors(const std::string& bytes, const std::string& name) {
  const Where where{"parse_safetensors", name};
  const std::uint64_t n = header_length(bytes, bytes.size(), where);
  SafetensorsFile out;
  const std::size_t data_start = 8 + static_cast<std::size_t>(n);
  const auto entries = parse_header(std::string_view(bytes).substr(8, n), bytes.size() - data_start,
                                    out.metadata, where);
  for (const Entry& e : entries)
    out.tensors.emplace_back(e.name, make_tensor(e, [&](char* dst) {
      std::memcpy(dst, bytes.data() + data_start + e.begin, e.end - e.begin);
    }));
  return out;
}

SafetensorsFile load_safetensors(const std::string& path) {
  const Where where{"load_safetensors", path};
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) fail_in(where, "cannot open the file: ", std::strerror(errno));
  const std::streamoff end = in.tellg();
  if (end < 0) fail_in(where, "cannot determine the file size");
  const auto file_size = static_cast<std::uint64_t>(end);
  in.seekg(0);
  char prefix[8] = {};
  in.read(prefix, static_cast<std::streamsize>(std::min<std::uint64_t>(8, file_size)));
  const std::uint64_t n = header_length(std::string_view(prefix, 8), file_size, where);
  std::string header(static_cast<std::size_t>(n), '\0');
  in.read(header.data(), static_cast<std::streamsize>(n));
  if (!in) fail_in(where, "read error inside the header");
  SafetensorsFile out;
  const std::uint64_t data_start = 8 + n;
  const auto entries = parse_header(header, file_size - data_start, out.metadata, where);
  // Each tensor is read straight into its own aligned storage: no second copy.
  for (const Entry& e : entries)
    out.tensors.emplace_back(e.name, make_tensor(e, [&](char* dst) {
      in.seekg(static_cast<std::streamoff>(data_start + e.begin));
      in.read(dst, static_cast<std::streamsize>(e.end - e.begin));
      if (!in) fail_in(where, "tensor '", e.name, "': read error");
    }));
  return out;
}

}  // namespace tg::nn
