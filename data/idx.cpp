#include "data/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <utility>
#include <vector>

#include "tensor/error.hpp"

namespace tg::data {

namespace {

constexpr unsigned char kTypeU8 = 0x08;
// IDX allows up to 255 dimensions; each takes 4 header bytes, so a sane file
// never needs more than this many, and a larger count means a corrupt header.
constexpr int kMaxDims = 16;
// Data is read in pieces so that a header promising gigabytes costs memory
// only as far as the file actually delivers bytes.
constexpr std::size_t kChunk = std::size_t{1} << 20;

// Errors read "<where>: <problem>", where `where` is "read_idx: '<path>'"
// (or "parse_idx: '<name>'" for bytes in memory).
template <class... Parts>
[[noreturn]] void fail_file(const std::string& where, Parts&&... parts) {
  fail(where, ": ", std::forward<Parts>(parts)...);
}

std::string where_file(const char* op, const std::string& name) {
  return std::string(op) + ": '" + name + "'";
}

// A gzip-or-plain byte stream over zlib's gzFile. zlib checks the first two
// bytes for the gzip magic and reads a plain file transparently, so one
// reader serves both kinds of file.
class ByteReader {
 public:
  explicit ByteReader(const std::string& path) : where_(where_file("read_idx", path)) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) fail_file(where_, "no such file");
    if (fs::is_directory(path, ec)) fail_file(where_, "is a folder, expected an IDX file");
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) fail_file(where_, "cannot open: ", std::strerror(errno));
    gzbuffer(file_, 1 << 17);
  }
  ~ByteReader() { gzclose(file_); }
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;

  // Reads up to `n` bytes into `out`; fewer only at the end of the stream.
  std::size_t read(unsigned char* out, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
      const auto want = static_cast<unsigned>(std::min<std::size_t>(n - done, kChunk));
      const int got = gzread(file_, out + done, want);
      if (got < 0 || (got == 0 && !gzeof(file_))) corrupt();
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    // A gzip file cut short ends without an error from gzread; zlib reports
    // it afterwards as Z_BUF_ERROR ("unexpected end of file").
    int errnum = Z_OK;
    gzerror(file_, &errnum);
    if (errnum == Z_BUF_ERROR) fail_file(where_, "the gzip stream ends early (file truncated?)");
    return done;
  }

  // "file" or "decompressed stream", for messages about sizes.
  const char* kind() { return gzdirect(file_) ? "the file" : "the decompressed stream"; }
  const std::string& where() const { return where_; }

 private:
  [[noreturn]] void corrupt() {
    int errnum = Z_OK;
    const char* message = gzerror(file_, &errnum);
    fail_file(where_, "corrupt gzip data (zlib: ", message, ")");
  }

  std::string where_;  // "read_idx: '<path>'", for messages
  gzFile file_ = nullptr;
};

// The same interface over bytes in memory (parse_idx, for fuzzing): gzip if
// they start with the gzip magic 1f 8b, as gzopen decides for a file, plain
// otherwise. As with a file, anything after the end of the (first) gzip
// member is not data and is not read.
class MemoryReader {
 public:
  MemoryReader(const std::string& bytes, const std::string& name)
      : bytes_(bytes), where_(where_file("parse_idx", name)) {
    gzip_ = bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
            static_cast<unsigned char>(bytes[1]) == 0x8b;
    if (gzip_ && inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) fail_file(where_, "cannot start zlib");
  }
  ~MemoryReader() {
    if (gzip_) inflateEnd(&zs_);
  }
  MemoryReader(const MemoryReader&) = delete;
  MemoryReader& operator=(const MemoryReader&) = delete;

  std::size_t read(unsigned char* out, std::size_t n) {
    if (!gzip_) {
      const std::size_t got = std::min(n, bytes_.size() - pos_);
      std::memcpy(out, bytes_.data() + pos_, got);
      pos_ += got;
      return got;
    }
    std::size_t done = 0;
    while (done < n && !ended_) {
      if (zs_.avail_in == 0) {  // feed the next piece (avail_in is 32 bits)
        const std::size_t piece = std::min(bytes_.size() - pos_, kChunk);
        zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes_.data() + pos_));
        zs_.avail_in = static_cast<uInt>(piece);
        pos_ += piece;
      }
      zs_.next_out = out + done;
      zs_.avail_out = static_cast<uInt>(std::min(n - done, kChunk));
      const uInt before = zs_.avail_out;
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      done += before - zs_.avail_out;
      if (rc == Z_STREAM_END) ended_ = true;
      else if (rc == Z_BUF_ERROR && zs_.avail_in == 0 && pos_ == bytes_.size())
        fail_file(where_, "the gzip stream ends early (file truncated?)");
      else if (rc != Z_OK && rc != Z_BUF_ERROR)
        fail_file(where_, "corrupt gzip data (zlib: ", zs_.msg ? zs_.msg : "error", ")");
    }
    return done;
  }

  const char* kind() const { return gzip_ ? "the decompressed stream" : "the data"; }
  const std::string& where() const { return where_; }

 private:
  const std::string& bytes_;
  std::string where_;
  bool gzip_ = false, ended_ = false;
  std::size_t pos_ = 0;
  z_stream zs_{};
};

std::uint32_t big_endian_u32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

std::string hex(unsigned value, int digits) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%0*x", digits, value);
  return text;
}

std::string dims_str(const Shape& dims) {
  std::ostringstream os;
  for (std::size_t i = 0; i < dims.size(); ++i) os << (i ? " x " : "") << dims[i];
  return os.str();
}

// The magic number and the dimensions; checks everything but the data.
template <class Reader>
Shape read_header(Reader& in) {
  const std::string& where = in.where();
  unsigned char magic[4];
  const std::size_t got = in.read(magic, 4);
  if (got < 4) fail_file(where, "truncated header: expected a 4-byte magic number, found ", got, " bytes");
  if (magic[0] != 0 || magic[1] != 0) {
    fail_file(where, "wrong magic number ", hex(big_endian_u32(magic), 8), ": an IDX file starts with two zero bytes ",
              "(0x00000801 for MNIST labels, 0x00000803 for images)");
  }
  if (magic[2] != kTypeU8)
    fail_file(where, "unsupported type code ", hex(magic[2], 2),
              " (only 0x08, unsigned byte, as in MNIST, is supported)");
  const int ndim = magic[3];
  if (ndim == 0 || ndim > kMaxDims)
    fail_file(where, "unsupported number of dimensions ", ndim, " (expected 1..", kMaxDims, ")");

  unsigned char raw[4 * kMaxDims];
  const std::size_t want = 4 * static_cast<std::size_t>(ndim);
  const std::size_t got_dims = in.read(raw, want);
  if (got_dims < want)
    fail_file(where, "truncated header: ", ndim, " dimensions need ", want, " bytes, found ", got_dims);
  Shape dims;
  std::int64_t count = 1;  // with 0 counted as 1: a zero extent does not excuse huge others
  for (int d = 0; d < ndim; ++d) {
    dims.push_back(big_endian_u32(raw + 4 * d));
    // Each extent is < 2^32 and count stays <= 2^31, so this never overflows.
    count *= std::max<std::int64_t>(dims.back(), 1);
    if (count > kIdxMaxElements)
      fail_file(where, "absurd dimensions ", dims_str(dims), (d + 1 < ndim ? " x ..." : ""),
                ": more than ", kIdxMaxElements, " elements (corrupt header?)");
  }
  return dims;
}

// Exactly `count` bytes of data and nothing after them.
template <class Reader>
std::vector<unsigned char> read_data(Reader& in, const Shape& dims, std::int64_t count) {
  const std::string& where = in.where();
  const auto want = static_cast<std::size_t>(count);
  std::vector<unsigned char> bytes;
  while (bytes.size() < want) {
    const std::size_t start = bytes.size();
    bytes.resize(std::min(want, start + kChunk));
    const std::size_t got = in.read(bytes.data() + start, bytes.size() - start);
    if (start + got < bytes.size())
      fail_file(where, "truncated data: the header promises ", dims_str(dims), " = ", count,
                " bytes but ", in.kind(), " holds ", start + got);
  }
  unsigned char extra[1];
  if (in.read(extra, 1) != 0)
    fail_file(where, "trailing garbage: ", in.kind(), " continues after the ", count,
              " bytes of data that the header promises (", dims_str(dims), ")");
  return bytes;
}

// The whole file: header, data, conversion to `dtype`.
template <class Reader>
Tensor read_tensor(Reader& in, DType dtype) {
  const Shape dims = read_header(in);
  std::int64_t count = 1;
  for (std::int64_t d : dims) count *= d;
  const std::vector<unsigned char> bytes = read_data(in, dims, count);

  Tensor out = Tensor::empty(dims, dtype);
  dispatch(dtype, "read_idx", [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::copy(bytes.begin(), bytes.end(), out.data<T>());
  });
  return out;
}

}  // namespace

Tensor read_idx(const std::string& path, DType dtype) {
  ByteReader in(path);
  return read_tensor(in, dtype);
}

Tensor parse_idx(const std::string& bytes, const std::string& name, DType dtype) {
  MemoryReader in(bytes, name);
  return read_tensor(in, dtype);
}

}  // namespace tg::data
