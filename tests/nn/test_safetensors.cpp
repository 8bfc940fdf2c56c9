// safetensors: the byte layout of the spec, bitwise round trips, files laid
// out as the reference writer does, every validation error, truncation and
// corruption, and atomic writes under injected failures.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include "nn/json_reader.hpp"
#include "nn/safetensors.hpp"
#include "tensor/creation.hpp"
#include "tensor/random.hpp"

using namespace tg;
using nn::NamedTensors;
namespace fs = std::filesystem;

namespace {

// A fresh folder under /tmp for one test, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("tapegrad_test_safetensors_" + std::to_string(::getpid()) + "_" + std::to_string(count_++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  std::size_t entries() const { return std::distance(fs::directory_iterator(path), {}); }
  static inline int count_ = 0;
};

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}
std::string element_bytes(const Tensor& t) {
  const Tensor c = t.contiguous();
  return std::string(static_cast<const char*>(c.raw_data()), c.numel() * dtype_size(c.dtype()));
}

// A file assembled by hand: length prefix, header text, data.
std::string file_of(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}
std::string f32_bytes(std::initializer_list<float> v) {
  std::string out;
  for (float f : v) out.append(reinterpret_cast<const char*>(&f), 4);
  return out;
}

NamedTensors sample_tensors() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  Generator gen(3);
  return {
      {"weights", randn({3, 4}, gen)},
      {"specials", tensor({nan, -nan, inf, -inf, -0.0, 4.9e-324, 1.0}, DType::f64)},
      {"labels", from_vector(std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min(), -1,
                                                       0, std::numeric_limits<std::int64_t>::max()})},
      {"scalar", scalar(2.5, DType::f64)},
      {"empty", zeros({0, 3})},
      {"transposed", randn({2, 5}, gen, DType::f64).transpose(0, 1)},
  };
}

}  // namespace

TEST_CASE("nn: safetensors bytes follow the spec") {
  TempDir dir;
  const std::string path = dir.file("a.safetensors");
  nn::save_safetensors(path, {{"a", tensor({1.0, 2.0})}, {"b", scalar(-2.0, DType::f64)}},
                       {{"format", "tapegrad"}});
  const std::string bytes = read_bytes(path);
  std::string header =
      R"({"__metadata__":{"format":"tapegrad"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("b":{"dtype":"F64","shape":[],"data_offsets":[8,16]}})";
  header.append((8 - header.size() % 8) % 8, ' ');  // padded to a multiple of 8 with spaces
  std::string data = f32_bytes({1.0f, 2.0f});
  const double minus_two = -2.0;
  data.append(reinterpret_cast<const char*>(&minus_two), 8);
  CHECK(bytes == file_of(header, data));
}

TEST_CASE("nn: safetensors round trip is bitwise, with 0-d, empty, NaN and Inf tensors") {
  TempDir dir;
  const std::string path = dir.file("round.safetensors");
  const NamedTensors in = sample_tensors();
  const std::map<std::string, std::string> meta{{"note", "quote \" slash \\ newline \n \x01 é"},
                                                {"format", "tapegrad"}};
  nn::save_safetensors(path, in, meta);
  for (const auto& file : {nn::load_safetensors(path), nn::parse_safetensors(read_bytes(path))}) {
    CHECK(file.metadata == meta);
    REQUIRE(file.tensors.size() == in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {  // written in order, so file order matches
      CAPTURE(in[i].first);
      CHECK(file.tensors[i].first == in[i].first);
      CHECK(file.tensors[i].second.dtype() == in[i].second.dtype());
      CHECK(file.tensors[i].second.shape() == in[i].second.shape());
      CHECK(element_bytes(file.tensors[i].second) == element_bytes(in[i].second));
    }
  }
}

TEST_CASE("nn: safetensors reads files laid out like the reference writer") {
  // Header order differs from data order, extra whitespace, no metadata; the
  // tensors come back in data order.
  const std::string header =
      "{ \"z\" : {\"data_offsets\": [0, 4], \"shape\": [1], \"dtype\": \"F32\"},\n"
      "  \"\\u0061\\ud83d\\ude00\": {\"dtype\": \"F32\", \"shape\": [0, 2], \"data_offsets\": [4, 4]},"
      "  \"y\": {\"dtype\": \"I64\", \"shape\": [], \"data_offsets\": [4, 12]} }   ";
  std::string data = f32_bytes({7.5f});
  const std::int64_t big = -1234567890123;
  data.append(reinterpret_cast<const char*>(&big), 8);
  const auto file = nn::parse_safetensors(file_of(header, data));
  REQUIRE(file.tensors.size() == 3);
  CHECK(file.tensors[0].first == "z");
  CHECK(file.tensors[0].second.item() == 7.5);
  CHECK(file.tensors[1].first == "a\xF0\x9F\x98\x80");  // U+1F600 from a surrogate pair
  CHECK(file.tensors[1].second.shape() == Shape{0, 2});
  CHECK(file.tensors[2].second.to_vector<std::int64_t>() == std::vector<std::int64_t>{big});
  CHECK(file.metadata.empty());
}

TEST_CASE("nn: safetensors refuses malformed files, naming the file and tensor") {
  auto error_of = [](const std::string& header, const std::string& data) {
    try {
      nn::parse_safetensors(file_of(header, data), "bad.safetensors");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string ok_entry = R"("t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  const std::string eight(8, '\0');
  CHECK(error_of("{" + ok_entry + "}", eight) == "no error");
  CHECK_THROWS_WITH_AS(nn::parse_safetensors(std::string(5, '\0'), "x.st"),
                       doctest::Contains("'x.st': truncated: 5 bytes"), Error);
  std::string huge = file_of("{}", "");
  huge[3] = 0x10;  // 268 MB
  CHECK_THROWS_WITH_AS(nn::parse_safetensors(huge), doctest::Contains("exceeds the limit"), Error);
  std::string longer = file_of("{}", "");
  longer[0] = 40;
  CHECK_THROWS_WITH_AS(nn::parse_safetensors(longer), doctest::Contains("header length 40 is larger than the file"), Error);

  const std::pair<std::string, std::string> cases[] = {
      {"{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},}", "invalid JSON"},
      {"[1]", "must be a JSON object"},
      {R"({"t":{"dtype":"Q8","shape":[2],"data_offsets":[0,8]}})", "tensor 't': unknown dtype 'Q8'"},
      {R"({"t":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}})", "dtype F16 is not supported"},
      {R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})",
       "tensor 't': data_offsets [0, 8] hold 8 bytes, but shape [3] of F32 needs 12"},
      {R"({"t":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", "non-negative integers"},
      {R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", "0 <= begin <= end"},
      {R"({"t":{"dtype":"F32","shape":[2]}})", "tensor 't': missing field 'data_offsets'"},
      {R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}})", "unexpected field 'x'"},
      {R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"t":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}})",
       "duplicate key 't'"},
      {R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"u":{"dtype":"F32","shape":[2],"data_offsets":[2,10]}})",
       "tensor 'u': data_offsets [2, 10] run past the end"},
      {R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"u":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}})",
       "tensor 'u': data_offsets [2, 6] overlap tensor 't'"},
      {R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", "tensor 't': data_offsets start at 4, leaving a gap"},
      {R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", "4 trailing bytes after the last tensor"},
      {R"({"__metadata__":{"k":1},"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
       "'__metadata__' must map strings to strings, but 'k' holds an integer"},
      {R"({"t":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}})", "overflows"},
  };
  for (const auto& [header, expected] : cases) {
    CAPTURE(header);
    const std::string message = error_of(header, eight);
    CHECK_MESSAGE(message.find(expected) != std::string::npos, message);
    CHECK(message.find("'bad.safetensors'") != std::string::npos);
  }
}

TEST_CASE("nn: safetensors truncated anywhere gives a clean error") {
  TempDir dir;
  const std::string path = dir.file("full.safetensors"), cut = dir.file("cut.safetensors");
  nn::save_safetensors(path, sample_tensors(), {{"format", "tapegrad"}});
  const std::string bytes = read_bytes(path);
  for (std::size_t k = 0; k < 64; ++k) {
    const std::size_t length = k * bytes.size() / 64;
    CAPTURE(length);
    write_bytes(cut, bytes.substr(0, length));
    CHECK_THROWS_WITH_AS(nn::load_safetensors(cut), doctest::Contains("cut.safetensors"), Error);
    CHECK_THROWS_AS(nn::parse_safetensors(bytes.substr(0, length)), Error);
  }
}

TEST_CASE("nn: safetensors with random header bytes flipped loads or errors, never crashes") {
  TempDir dir;
  const std::string path = dir.file("flip.safetensors");
  nn::save_safetensors(path, sample_tensors(), {{"format", "tapegrad"}});
  const std::string bytes = read_bytes(path);
  std::uint64_t header_len = 0;
  std::memcpy(&header_len, bytes.data(), 8);
  std::mt19937 rng(42);
  int loaded = 0, refused = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::string corrupt = bytes;
    const int flips = 1 + trial % 3;
    for (int f = 0; f < flips; ++f) {
      const std::size_t at = rng() % (8 + header_len);
      corrupt[at] = static_cast<char>(trial % 2 ? corrupt[at] ^ (1 << (rng() % 8)) : rng() % 256);
    }
    try {
      nn::parse_safetensors(corrupt);
      ++loaded;
    } catch (const Error&) {
      ++refused;
    }
  }
  CHECK(refused > 1000);  // the header is dense: most flips break it
  CHECK(loaded + refused == 2000);
}

TEST_CASE("nn: safetensors writes atomically: a failure midway leaves the old file") {
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  nn::save_safetensors(path, {{"old", tensor({1.0, 2.0, 3.0})}});
  const std::string old_bytes = read_bytes(path);
  Generator gen(5);
  // 300k floats: more than one 1 MiB chunk of data after the prefix and header.
  const NamedTensors fresh{{"big", randn({300000}, gen)}, {"small", tensor({4.0})}};
  for (std::size_t fail_at = 1; fail_at <= 5; ++fail_at) {
    CAPTURE(fail_at);
    std::size_t calls = 0;
    nn::testing::set_safetensors_write_hook([&](std::size_t) {
      if (++calls == fail_at) throw Error("injected failure");
    });
    CHECK_THROWS_WITH_AS(nn::save_safetensors(path, fresh), "injected failure", Error);
    nn::testing::set_safetensors_write_hook({});
    CHECK(read_bytes(path) == old_bytes);
    CHECK(dir.entries() == 1);  // no temporary left behind
  }
  nn::save_safetensors(path, fresh);  // and without a failure, the new file replaces it
  CHECK(element_bytes(nn::load_safetensors(path).tensors[0].second) == element_bytes(fresh[0].second));
  CHECK(dir.entries() == 1);
}

TEST_CASE("nn: safetensors save errors") {
  TempDir dir;
  CHECK_THROWS_WITH_AS(nn::save_safetensors(dir.file("no/such/folder/x.safetensors"), {}),
                       doctest::Contains("cannot create a temporary file"), Error);
  CHECK_THROWS_WITH_AS(nn::save_safetensors(dir.file("x"), {{"a", zeros({1})}, {"a", zeros({1})}}),
                       doctest::Contains("two tensors are named 'a'"), Error);
  CHECK_THROWS_WITH_AS(nn::save_safetensors(dir.file("x"), {{"__metadata__", zeros({1})}}),
                       doctest::Contains("invalid tensor name '__metadata__'"), Error);
  CHECK_THROWS_WITH_AS(nn::save_safetensors(dir.file("x"), {{"u", Tensor()}}),
                       doctest::Contains("tensor 'u' is undefined"), Error);
  CHECK_THROWS_WITH_AS(nn::load_safetensors(dir.file("missing")),
                       doctest::Contains("cannot open the file"), Error);
  CHECK(dir.entries() == 0);
}

TEST_CASE("nn: the JSON reader accepts strict JSON and refuses the rest") {
  const auto v = nn::parse_json(
      " {\"a\": [1, -2, 0, 9223372036854775807, -9223372036854775808], \"s\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\", \"o\": {}} ",
      "test");
  REQUIRE(v.kind == nn::JsonValue::Kind::object);
  CHECK(v.keys == std::vector<std::string>{"a", "s", "o"});
  const auto& a = v.find("a")->items;
  CHECK(a[1].integer == -2);
  CHECK(a[3].integer == std::numeric_limits<std::int64_t>::max());
  CHECK(a[4].integer == std::numeric_limits<std::int64_t>::min());
  CHECK(v.find("s")->string == "\"\\/\b\f\n\r\t\xC3\xA9");
  CHECK(v.find("o")->items.empty());
  CHECK(v.find("missing") == nullptr);
  CHECK(nn::parse_json(std::string(64, '[') + std::string(64, ']'), "deep").kind ==
        nn::JsonValue::Kind::array);

  const std::pair<std::string, std::string> bad[] = {
      {"1.5", "fraction or exponent"}, {"1e3", "fraction or exponent"},
      {"true", "unsupported value"}, {"null", "unsupported value"},
      {"01", "leading zero"}, {"9223372036854775808", "does not fit"},
      {"{\"a\":1,\"a\":2}", "duplicate key 'a'"}, {"[1,]", "unsupported value"},
      {"[1] x", "unexpected text after the value"}, {"\"\\ud800\"", "unpaired high surrogate"},
      {"\"\\udc00\"", "unpaired low surrogate"}, {"\"\xff\"", "invalid UTF-8"},
      {"\"\xC0\xAF\"", "invalid UTF-8"}, {"\"a\nb\"", "raw control character"},
      {"\"\\x\"", "invalid escape"}, {"\"abc", "unterminated string"},
      {"{\"a\" 1}", "expected ':'"}, {"", "unexpected end of input"},
      {std::string(65, '[') + std::string(65, ']'), "nesting deeper than 64"},
  };
  for (const auto& [text, expected] : bad) {
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(nn::parse_json(text, "hdr"), doctest::Contains(expected.c_str()), Error);
    CHECK_THROWS_WITH_AS(nn::parse_json(text, "hdr"), doctest::Contains("hdr: invalid JSON"), Error);
  }
}
