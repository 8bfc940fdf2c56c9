// Tests for .npy reading and writing: bitwise round trips, byte-identical
// output to NumPy's np.save, files written by NumPy (see
// tests/reference/make_tensor_fixtures.py) and every malformed input.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/npy.hpp"
#include "tensor/tensor.hpp"

using tg::DType;
using tg::Tensor;

namespace {

std::string fixture_path(const std::string& name) {
  return std::string(TG_TEST_DATA_DIR) + "/tensor/" + name + ".npy";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The bytes of every element in row-major order: "bitwise equal" compares these.
std::string element_bytes(const Tensor& t) {
  const Tensor c = t.contiguous();
  return std::string(static_cast<const char*>(c.raw_data()),
                     static_cast<std::size_t>(c.numel()) * tg::dtype_size(c.dtype()));
}

void check_bitwise_equal(const Tensor& got, const Tensor& want) {
  CHECK(got.dtype() == want.dtype());
  CHECK(got.shape() == want.shape());
  CHECK(element_bytes(got) == element_bytes(want));
}

// A .npy image with the given header dict and data; the header is padded
// the way NumPy pads it unless `pad` is false.
std::string npy_image(const std::string& dict, const std::string& data, int major = 1,
                      int minor = 0) {
  std::string header = dict;
  const std::size_t preamble = major == 1 ? 10 : 12;
  while ((preamble + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += static_cast<char>(minor);
  for (std::size_t i = 0; i < preamble - 8; ++i)
    out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}

std::string f32_bytes(std::initializer_list<float> values) {
  std::string out(values.size() * 4, '\0');
  std::memcpy(out.data(), values.begin(), out.size());
  return out;
}

// Expected values of the io_* fixtures: arange(24).reshape(2, 3, 4) * 0.5 - 3.
std::vector<double> io_values() {
  std::vector<double> v;
  for (int i = 0; i < 24; ++i) v.push_back(i * 0.5 - 3);
  return v;
}

}  // namespace

TEST_CASE("npy: round trip of each dtype is bitwise, including NaN, Inf and -0") {
  const float f32_special[] = {1.5f, -0.0f, std::numeric_limits<float>::quiet_NaN(),
                               std::numeric_limits<float>::infinity(),
                               -std::numeric_limits<float>::infinity(),
                               std::numeric_limits<float>::denorm_min()};
  Tensor f = tg::from_vector(std::vector<float>(std::begin(f32_special), std::end(f32_special)),
                             {2, 3});
  Tensor d = tg::from_vector(std::vector<double>{std::nan(""), -std::numeric_limits<double>::infinity(),
                                                 1e-310, 3.141592653589793},
                             {4});
  Tensor i = tg::from_vector(std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min(), -1,
                                                       0, std::numeric_limits<std::int64_t>::max()},
                             {2, 1, 2});
  for (const Tensor& t : {f, d, i}) {
    CAPTURE(tg::dtype_name(t.dtype()));
    const Tensor back = tg::parse_npy(tg::to_npy_bytes(t));
    check_bitwise_equal(back, t);
    CHECK(back.is_contiguous());
  }
}

TEST_CASE("npy: 0-d, empty and non-contiguous tensors round trip") {
  check_bitwise_equal(tg::parse_npy(tg::to_npy_bytes(tg::scalar(2.5, DType::f64))),
                      tg::scalar(2.5, DType::f64));
  CHECK(tg::parse_npy(tg::to_npy_bytes(tg::scalar(7, DType::i64))).dim() == 0);
  for (const tg::Shape& shape : {tg::Shape{0}, tg::Shape{0, 3}, tg::Shape{2, 0, 4}}) {
    const Tensor back = tg::parse_npy(tg::to_npy_bytes(tg::zeros(shape)));
    CHECK(back.shape() == shape);
    CHECK(back.numel() == 0);
  }
  // Views are written in row-major order of their logical elements.
  Tensor x = tg::arange(24, DType::f64).reshape({2, 3, 4});
  for (const Tensor& v : {x.transpose(0, 2), x.slice(2, 1, 4, 2), x.select(1, 2),
                          tg::tensor({1, 2, 3}).expand({2, 3})}) {
    CAPTURE(tg::shape_str(v.shape()));
    REQUIRE_FALSE(v.is_contiguous());
    check_bitwise_equal(tg::parse_npy(tg::to_npy_bytes(v)), v);
  }
}

TEST_CASE("npy: output is version 1.0, padded to 64 bytes, and byte-identical to np.save") {
  const std::string bytes = tg::to_npy_bytes(tg::zeros({2, 3}));
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header_len = static_cast<unsigned char>(bytes[8]) |
                                 static_cast<unsigned char>(bytes[9]) << 8;
  CHECK((10 + header_len) % 64 == 0);
  CHECK(bytes[10 + header_len - 1] == '\n');
  CHECK(bytes.substr(10, 60).rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0) == 0);
  CHECK(bytes.size() == 10 + header_len + 6 * 4);
  // The same arrays NumPy wrote, written again by us: the same bytes.
  for (const char* name : {"io_c_f4", "io_c_f8", "io_c_i8", "io_scalar_f8", "io_empty_f4"}) {
    CAPTURE(name);
    const std::string numpy_bytes = read_file(fixture_path(name));
    CHECK(tg::to_npy_bytes(tg::load_npy(fixture_path(name))) == numpy_bytes);
  }
  // Shape spelling: () for 0-d, (3,) for 1-d.
  CHECK(tg::to_npy_bytes(tg::scalar(1)).find("'shape': (), }") != std::string::npos);
  CHECK(tg::to_npy_bytes(tg::zeros({3})).find("'shape': (3,), }") != std::string::npos);
}

TEST_CASE("npy: save_npy writes atomically and load_npy reads it back") {
  const auto dir = std::filesystem::temp_directory_path() / "tapegrad_test_npy";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "x.npy").string();
  Tensor x = tg::arange(12, DType::f64).reshape({3, 4}).transpose(0, 1);
  tg::save_npy(path, x);
  check_bitwise_equal(tg::load_npy(path), x);
  tg::save_npy(path, tg::ones({2}));  // replaces the old file
  check_bitwise_equal(tg::load_npy(path), tg::ones({2}));
  // Only the target is left behind: no temporary files.
  CHECK(std::distance(std::filesystem::directory_iterator(dir), {}) == 1);
  CHECK_THROWS_WITH_AS(tg::save_npy((dir / "missing" / "y.npy").string(), x),
                       doctest::Contains("save_npy: '"), tg::Error);
  std::filesystem::remove_all(dir);
}

TEST_CASE("npy: reads the files NumPy wrote") {
  const std::vector<double> v = io_values();
  for (const char* name : {"io_c_f4", "io_be_f4", "io_v3_f4"}) {
    CAPTURE(name);
    Tensor t = tg::load_npy(fixture_path(name));
    CHECK(t.dtype() == DType::f32);
    CHECK(t.shape() == tg::Shape{2, 3, 4});
    CHECK(t.to_double_vector() == v);
  }
  for (const char* name : {"io_c_f8", "io_be_f8", "io_v2_f8"}) {
    CAPTURE(name);
    Tensor t = tg::load_npy(fixture_path(name));
    CHECK(t.dtype() == DType::f64);
    CHECK(t.to_double_vector() == v);
  }
  for (const char* name : {"io_c_i8", "io_be_i8"}) {
    CAPTURE(name);
    Tensor t = tg::load_npy(fixture_path(name));
    CHECK(t.dtype() == DType::i64);
    CHECK(t.at({1, 2, 3}) == 18);
    CHECK(t.at({0, 0, 0}) == -5);
  }
  // Fortran order: a column-major view with the right values.
  Tensor fortran = tg::load_npy(fixture_path("io_fortran_f4"));
  CHECK(fortran.shape() == tg::Shape{2, 3, 4});
  CHECK(fortran.strides() == tg::Strides{1, 2, 6});
  CHECK(fortran.to_double_vector() == v);
  Tensor scalar = tg::load_npy(fixture_path("io_scalar_f8"));
  CHECK(scalar.dim() == 0);
  CHECK(scalar.item() == 2.5);
  Tensor empty = tg::load_npy(fixture_path("io_empty_f4"));
  CHECK(empty.shape() == tg::Shape{0, 3});
  Tensor special = tg::load_npy(fixture_path("io_special_f8"));
  const std::vector<double> s = special.to_double_vector();
  CHECK(std::isnan(s[0]));
  CHECK(s[1] == std::numeric_limits<double>::infinity());
  CHECK(s[2] == -std::numeric_limits<double>::infinity());
  CHECK(std::signbit(s[3]));
  CHECK(s[4] == std::numeric_limits<double>::denorm_min());
}

TEST_CASE("npy: the header parser accepts what NumPy accepts") {
  const std::string data = f32_bytes({1, 2});
  // Any key order, double quotes, no trailing comma, extra spaces, '=' native order.
  for (const char* dict :
       {"{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}",
        "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, )}",
        "{ 'descr' : '=f4' ,'fortran_order':False,'shape':(2,),}",
        "{'descr': 'f4', 'fortran_order': True, 'shape': (2L,), }"}) {
    CAPTURE(dict);
    CHECK(tg::parse_npy(npy_image(dict, data)).to_double_vector() == std::vector<double>{1, 2});
  }
  // Versions 2.0 and 3.0 have a 4-byte header length.
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  CHECK(tg::parse_npy(npy_image(dict, data, 2)).numel() == 2);
  CHECK(tg::parse_npy(npy_image(dict, data, 3)).numel() == 2);
}

TEST_CASE("npy: every malformed input is a tg::Error naming the file and the problem") {
  const std::string data = f32_bytes({1, 2, 3, 4, 5, 6});
  auto image = [&](const std::string& descr, const std::string& shape, const std::string& d) {
    return npy_image("{'descr': " + descr + ", 'fortran_order': False, 'shape': " + shape + ", }", d);
  };
  const std::string good = image("'<f4'", "(2, 3)", data);
  REQUIRE(tg::parse_npy(good, "good.npy").numel() == 6);
  // The message starts with the op and the name, then describes the problem.
  auto check_error = [](const std::string& bytes, const std::string& expected) {
    CAPTURE(expected);
    std::string message;
    try {
      tg::parse_npy(bytes, "bad.npy");
    } catch (const tg::Error& e) {
      message = e.what();
    }
    CAPTURE(message);
    CHECK(message.rfind("parse_npy: 'bad.npy': ", 0) == 0);
    CHECK(message.find(expected) != std::string::npos);
  };

  CHECK_THROWS_WITH_AS(tg::load_npy("/nonexistent/dir/w.npy"),
                       doctest::Contains("load_npy: '/nonexistent/dir/w.npy': cannot open the file"),
                       tg::Error);
  check_error("", "not a .npy file (wrong magic");
  check_error("PK\x03\x04 this is a zip", "not a .npy file (wrong magic");
  check_error("\x93NUMPY", "truncated: the file ends inside the preamble");
  std::string v4 = good;
  v4[6] = 4;
  check_error(v4, "unknown .npy version 4.0");
  std::string v11 = good;
  v11[7] = 1;
  check_error(v11, "unknown .npy version 1.1");
  std::string long_header = good.substr(0, 8) + std::string("\xff\xff", 2) + good.substr(10);
  check_error(long_header, "header length 65535 is larger than the file");
  check_error(good.substr(0, good.size() - 1), "truncated: shape [2, 3] of f32 needs 24 data bytes, the file has 23");
  check_error(good + "xx", "2 trailing bytes after the data");
  check_error(image("'|O'", "(2,)", std::string(16, '\0')), "object arrays ('|O')");
  check_error(image("'<i4'", "(2,)", std::string(8, '\0')), "unsupported dtype '<i4'");
  check_error(image("'|f4'", "(2,)", std::string(8, '\0')), "dtype '|f4' has no byte order");
  check_error(image("[('a', '<f4')]", "(2,)", std::string(8, '\0')), "structured arrays are not supported");
  check_error(image("'<f4'", "(-1, 2)", ""), "negative dimension -1 in shape");
  check_error(image("'<f4'", "(2.5,)", ""), "malformed header");
  check_error(image("'<f4'", "('2',)", ""), "'shape' must be a tuple of integers");
  check_error(image("'<f4'", "[2]", ""), "'shape' must be a tuple of integers");
  check_error(image("'<f4'", "(4294967296, 4294967296)", ""), "shape is too large");
  check_error(image("'<f4'", "(99999999999999999999,)", ""), "integer does not fit in 64 bits");
  check_error(image("'<f4'", "(1099511627776,)", ""), "truncated: shape [1099511627776]");
  check_error(npy_image("{'descr': '<f4', 'shape': (2,)}", data), "header lacks 'fortran_order'");
  check_error(npy_image("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", data),
              "'fortran_order' must be True or False");
  check_error(npy_image("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}", data),
              "unexpected key 'x'");
  check_error(npy_image("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", data),
              "key 'descr' appears twice");
  check_error(npy_image("['descr', '<f4']", data), "header is not a dict");
  check_error(npy_image("{'descr: '<f4'", data), "malformed header");
  check_error(npy_image("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)} x", data),
              "unexpected text after the header dict");
  check_error(npy_image(std::string(100, '(') + std::string(100, ')'), data), "nesting too deep");
}

TEST_CASE("npy: arbitrary bytes never crash the parser") {
  // Every prefix of a valid image, then random single-byte and multi-byte
  // corruptions of it: each either parses or throws tg::Error.
  const std::string good = tg::to_npy_bytes(tg::arange(6, DType::f64).reshape({2, 3}));
  int errors = 0;
  auto try_parse = [&](const std::string& bytes) {
    try {
      tg::parse_npy(bytes, "fuzz");
    } catch (const tg::Error&) {
      ++errors;
    }
  };
  for (std::size_t n = 0; n < good.size(); ++n) try_parse(good.substr(0, n));
  CHECK(errors == static_cast<int>(good.size()));
  std::mt19937 gen(1234);
  for (int trial = 0; trial < 5000; ++trial) {
    std::string bytes = good;
    const int edits = 1 + static_cast<int>(gen() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t pos = gen() % 80;  // mostly the preamble and header
      bytes[pos] = static_cast<char>(gen() & 0xff);
    }
    try_parse(bytes);
  }
}
