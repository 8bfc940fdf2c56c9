// Tests for the IDX reader: files written here byte by byte (plain and
// gzip), every way a file can be malformed, each error naming the file.
#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/idx.hpp"
#include "tensor/error.hpp"

using namespace tg;
using tg::data::read_idx;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("tapegrad_test_idx_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

// An IDX image: magic 00 00 <type> <ndim>, big-endian u32 dims, then data.
std::string idx_bytes(const std::vector<std::uint32_t>& dims, const std::string& data,
                      unsigned char type = 0x08) {
  std::string out = {'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (std::uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((d >> shift) & 0xff);
  return out + data;
}

// Bytes 0, 1, 2, ... (mod 256): each element differs from its neighbours.
std::string ramp(std::size_t n) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>(i % 256);
  return out;
}

void write_plain(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  if (!bytes.empty()) REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) > 0);
  REQUIRE(gzclose(f) == Z_OK);
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

// read_idx(path) throws a tg::Error that names the file and contains `text`.
#define CHECK_IDX_ERROR(path, text)                                                      \
  do {                                                                                   \
    const std::string where_ = "read_idx: '" + std::string(path) + "': ";                \
    CHECK_THROWS_WITH_AS(read_idx(path), doctest::Contains(where_.c_str()), tg::Error);  \
    CHECK_THROWS_WITH_AS(read_idx(path), doctest::Contains(text), tg::Error);            \
  } while (false)

TEST_CASE("data: read_idx reads plain and gzip files to the same values") {
  TempDir dir;
  const std::string payload = idx_bytes({3, 4, 5}, ramp(60));
  write_plain(dir.file("x.idx"), payload);
  write_gzip(dir.file("x.idx.gz"), payload);
  for (const std::string name : {"x.idx", "x.idx.gz"}) {
    CAPTURE(name);
    for (DType dtype : {DType::f32, DType::f64, DType::i64}) {
      const Tensor t = read_idx(dir.file(name), dtype);
      CHECK(t.dtype() == dtype);
      CHECK(t.shape() == Shape{3, 4, 5});
      const std::vector<double> values = t.to_double_vector();
      for (std::size_t i = 0; i < values.size(); ++i) CHECK(values[i] == double(i));
    }
  }
}

TEST_CASE("data: read_idx keeps raw byte values 0..255 and row-major order") {
  TempDir dir;
  std::string data;
  for (int v : {0, 255, 128, 1, 254, 7}) data += static_cast<char>(v);
  write_gzip(dir.file("labels.gz"), idx_bytes({6}, data));
  write_plain(dir.file("m.idx"), idx_bytes({2, 3}, data));
  CHECK(read_idx(dir.file("labels.gz"), DType::i64).to_vector<std::int64_t>() ==
        std::vector<std::int64_t>{0, 255, 128, 1, 254, 7});
  const Tensor m = read_idx(dir.file("m.idx"));
  CHECK(m.at({0, 1}) == 255);
  CHECK(m.at({1, 0}) == 1);
  CHECK(m.at({1, 2}) == 7);
}

TEST_CASE("data: read_idx accepts a zero extent and a large file read in pieces") {
  TempDir dir;
  write_plain(dir.file("empty.idx"), idx_bytes({0, 28, 28}, ""));
  CHECK(read_idx(dir.file("empty.idx")).shape() == Shape{0, 28, 28});
  // 3 MiB crosses the reader's 1 MiB pieces and gzip's internal buffers.
  const std::size_t n = 3 * (1u << 20) + 17;
  write_gzip(dir.file("big.gz"), idx_bytes({static_cast<std::uint32_t>(n)}, ramp(n)));
  const Tensor big = read_idx(dir.file("big.gz"), DType::i64);
  REQUIRE(big.numel() == std::int64_t(n));
  const std::int64_t* p = big.data<std::int64_t>();
  bool all_match = true;
  for (std::size_t i = 0; i < n; ++i) all_match = all_match && p[i] == std::int64_t(i % 256);
  CHECK(all_match);
}

TEST_CASE("data: read_idx names the file for a missing file or a folder") {
  TempDir dir;
  CHECK_IDX_ERROR(dir.file("nope.gz"), "no such file");
  CHECK_IDX_ERROR(dir.path.string(), "is a folder");
}

TEST_CASE("data: read_idx rejects a wrong magic, a type code and a dimension count") {
  TempDir dir;
  std::string bad_magic = idx_bytes({4}, ramp(4));
  bad_magic[0] = 0x12;
  write_plain(dir.file("magic"), bad_magic);
  CHECK_IDX_ERROR(dir.file("magic"), "wrong magic number 0x12000801");
  CHECK_IDX_ERROR(dir.file("magic"), "0x00000803 for images");

  write_gzip(dir.file("floats.gz"), idx_bytes({1}, std::string(4, '\0'), 0x0d));
  CHECK_IDX_ERROR(dir.file("floats.gz"), "unsupported type code 0x0d");

  write_plain(dir.file("zero_dims"), idx_bytes({}, ""));
  CHECK_IDX_ERROR(dir.file("zero_dims"), "unsupported number of dimensions 0");
  write_plain(dir.file("many_dims"), idx_bytes(std::vector<std::uint32_t>(40, 1), "x"));
  CHECK_IDX_ERROR(dir.file("many_dims"), "unsupported number of dimensions 40");
}

TEST_CASE("data: read_idx rejects absurd dimensions before reading data") {
  TempDir dir;
  // 65536^2 = 2^32 elements, over the cap, in a file of a few bytes.
  write_plain(dir.file("huge"), idx_bytes({65536, 65536}, "abc"));
  CHECK_IDX_ERROR(dir.file("huge"), "absurd dimensions 65536 x 65536");
  CHECK_IDX_ERROR(dir.file("huge"), "more than 2147483648 elements");
  // Extents whose product would overflow 64 bits are caught as it grows.
  write_gzip(dir.file("overflow.gz"), idx_bytes({0xffffffffu, 0xffffffffu, 0xffffffffu}, ""));
  CHECK_IDX_ERROR(dir.file("overflow.gz"), "absurd dimensions 4294967295 x ...: more than");
  write_plain(dir.file("third"), idx_bytes({1024, 1024, 4096, 1}, ""));
  CHECK_IDX_ERROR(dir.file("third"), "absurd dimensions 1024 x 1024 x 4096 x ...");
}

TEST_CASE("data: read_idx reports a file cut at any offset as truncated") {
  TempDir dir;
  const std::string payload = idx_bytes({2, 3, 4}, ramp(24));  // 16 header bytes + 24 data
  struct Cut {
    std::size_t at;
    const char* says;
  };
  for (const Cut cut : {Cut{0, "truncated header: expected a 4-byte magic number, found 0 bytes"},
                        Cut{3, "truncated header: expected a 4-byte magic number, found 3 bytes"},
                        Cut{4, "truncated header: 3 dimensions need 12 bytes, found 0"},
                        Cut{9, "truncated header: 3 dimensions need 12 bytes, found 5"},
                        Cut{16, "truncated data: the header promises 2 x 3 x 4 = 24 bytes"},
                        Cut{27, "24 bytes but"},
                        Cut{39, "holds 23"}}) {
    CAPTURE(cut.at);
    const std::string bytes = payload.substr(0, cut.at);
    write_plain(dir.file("cut"), bytes);
    write_gzip(dir.file("cut.gz"), bytes);
    CHECK_IDX_ERROR(dir.file("cut"), cut.says);
    CHECK_IDX_ERROR(dir.file("cut.gz"), cut.says);
    if (cut.at >= 16) {
      CHECK_IDX_ERROR(dir.file("cut"), "the file holds");
      CHECK_IDX_ERROR(dir.file("cut.gz"), "the decompressed stream holds");
    }
  }
}

TEST_CASE("data: read_idx reports a cut or damaged gzip stream") {
  TempDir dir;
  write_gzip(dir.file("whole.gz"), idx_bytes({4096}, ramp(4096)));
  const std::string whole = read_all(dir.file("whole.gz"));
  // Cut inside the compressed data, and just before the 8-byte trailer.
  for (std::size_t keep : {whole.size() / 2, whole.size() - 8}) {
    CAPTURE(keep);
    write_plain(dir.file("cut.gz"), whole.substr(0, keep));
    CHECK_IDX_ERROR(dir.file("cut.gz"), "the gzip stream ends early (file truncated?)");
  }
  // A damaged CRC at the end: every byte arrives, the check fails.
  std::string bad_crc = whole;
  bad_crc[bad_crc.size() - 6] ^= 0x5a;
  write_plain(dir.file("crc.gz"), bad_crc);
  CHECK_IDX_ERROR(dir.file("crc.gz"), "corrupt gzip data (zlib: ");
}

TEST_CASE("data: read_idx rejects bytes after the data (trailing garbage)") {
  TempDir dir;
  const std::string payload = idx_bytes({2, 2}, ramp(4)) + "extra";
  write_plain(dir.file("trail"), payload);
  write_gzip(dir.file("trail.gz"), payload);
  CHECK_IDX_ERROR(dir.file("trail"), "trailing garbage: the file continues after the 4 bytes");
  CHECK_IDX_ERROR(dir.file("trail"), "(2 x 2)");
  CHECK_IDX_ERROR(dir.file("trail.gz"), "trailing garbage: the decompressed stream continues");
  // Bytes after the end of the gzip member are not part of the data; zlib
  // skips them (as gunzip warns and does), so the file reads.
  write_gzip(dir.file("after.gz"), idx_bytes({2, 2}, ramp(4)));
  std::ofstream(dir.file("after.gz"), std::ios::binary | std::ios::app) << "xyz";
  CHECK(read_idx(dir.file("after.gz")).shape() == Shape{2, 2});
}
