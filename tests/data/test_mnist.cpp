// Tests for load_mnist: a small fake dataset folder written here (gzip and
// plain files mixed), every folder-level error, and — when Debian's
// dataset-fashion-mnist package is installed — the real Fashion-MNIST files
// against their published properties.
#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/mnist.hpp"
#include "data/normalize.hpp"
#include "tensor/error.hpp"

using namespace tg;
using namespace tg::data;
namespace fs = std::filesystem;

#define CHECK_ERROR(expr, text) \
  CHECK_THROWS_WITH_AS((void)(expr), doctest::Contains(std::string(text).c_str()), tg::Error)

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("tapegrad_test_mnist_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string idx_bytes(const std::vector<std::uint32_t>& dims, const std::string& data) {
  std::string out = {'\0', '\0', '\x08', static_cast<char>(dims.size())};
  for (std::uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((d >> shift) & 0xff);
  return out + data;
}

void write_file(const std::string& path, const std::string& bytes, bool gzip) {
  if (!gzip) {
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    return;
  }
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) > 0);
  REQUIRE(gzclose(f) == Z_OK);
}

// A 5-example "train" split of 3 x 2 images: image k holds 10k + (0..5),
// its label is k % 3. Images gzip-compressed, labels plain.
void write_fake_train(const TempDir& dir, std::uint32_t labels = 5) {
  std::string pixels, classes;
  for (int k = 0; k < 5; ++k)
    for (int p = 0; p < 6; ++p) pixels += static_cast<char>(10 * k + p);
  for (std::uint32_t k = 0; k < labels; ++k) classes += static_cast<char>(k % 3);
  write_file(dir.file("train-images-idx3-ubyte.gz"), idx_bytes({5, 3, 2}, pixels), true);
  write_file(dir.file("train-labels-idx1-ubyte"), idx_bytes({labels}, classes), false);
}

// 'path', for expected messages. (Built with += rather than "'" + path,
// which trips a false -Wrestrict warning in GCC 12.)
std::string quoted(const std::string& path) {
  std::string out = "'";
  out += path;
  out += "'";
  return out;
}

}  // namespace

TEST_CASE("data: load_mnist reads a split of mixed gzip and plain files") {
  TempDir dir;
  write_fake_train(dir);
  const Dataset raw = load_mnist(dir.path.string(), Split::train, {.scale = false});
  CHECK(raw.inputs.shape() == Shape{5, 3, 2});
  CHECK(raw.inputs.dtype() == DType::f32);
  CHECK(raw.targets.dtype() == DType::i64);
  CHECK(raw.example_axis == 0);
  CHECK(raw.targets.to_vector<std::int64_t>() == std::vector<std::int64_t>{0, 1, 2, 0, 1});
  CHECK(raw.inputs.at({4, 2, 1}) == 45);
  CHECK(raw.inputs.at({1, 0, 1}) == 11);

  const Dataset scaled = load_mnist(dir.path.string());
  CHECK(scaled.inputs.at({4, 2, 1}) == doctest::Approx(45.0 / 255.0).epsilon(1e-7));
  const Dataset flat = load_mnist(dir.path.string(), Split::train, {.flatten = true});
  CHECK(flat.inputs.shape() == Shape{5, 6});
  CHECK(flat.inputs.at({4, 5}) == scaled.inputs.at({4, 2, 1}));
}

TEST_CASE("data: load_mnist limit keeps the first examples") {
  TempDir dir;
  write_fake_train(dir);
  const Dataset three = load_mnist(dir.path.string(), Split::train, {.scale = false, .limit = 3});
  CHECK(three.inputs.shape() == Shape{3, 3, 2});
  CHECK(three.targets.to_vector<std::int64_t>() == std::vector<std::int64_t>{0, 1, 2});
  CHECK(three.inputs.at({2, 0, 0}) == 20);
  CHECK(load_mnist(dir.path.string(), Split::train, {.limit = 0}).size() == 0);
  CHECK(load_mnist(dir.path.string(), Split::train, {.limit = 99}).size() == 5);
  CHECK_ERROR(load_mnist(dir.path.string(), Split::train, {.limit = -2}),
              "load_mnist: limit must be -1 (all) or a count >= 0, got -2");
}

TEST_CASE("data: load_mnist explains a missing folder or file") {
  TempDir dir;
  const std::string missing = dir.file("not-here");
  CHECK_ERROR(load_mnist(missing), "load_mnist: folder '" + missing + "' does not exist");
  CHECK_ERROR(load_mnist(missing), "apt-get install dataset-fashion-mnist");
  CHECK_ERROR(load_mnist(missing), "--data DIR");
  write_fake_train(dir);
  CHECK_ERROR(load_mnist(dir.file("train-labels-idx1-ubyte")), "is not a folder");
  CHECK_ERROR(load_mnist(dir.path.string(), Split::test),
              "neither '" + dir.file("t10k-images-idx3-ubyte") + "' nor '" +
                  dir.file("t10k-images-idx3-ubyte.gz") + "' exists");
}

TEST_CASE("data: load_mnist rejects files of the wrong rank or differing counts") {
  TempDir dir;
  write_fake_train(dir, 4);
  CHECK_ERROR(load_mnist(dir.path.string()),
              quoted(dir.file("train-images-idx3-ubyte.gz")) + " holds 5 images but " +
                  quoted(dir.file("train-labels-idx1-ubyte")) + " holds 4 labels");
  write_file(dir.file("train-labels-idx1-ubyte"), idx_bytes({5, 1}, "abcde"), false);
  CHECK_ERROR(load_mnist(dir.path.string()), "expected 1-d labels [N], found 2-d [5, 1]");
  write_file(dir.file("train-images-idx3-ubyte.gz"), idx_bytes({30}, std::string(30, 'x')), true);
  CHECK_ERROR(load_mnist(dir.path.string()),
              quoted(dir.file("train-images-idx3-ubyte.gz")) +
                  ": expected 3-d images [N, height, width], found 1-d [30]");
  // Errors from the IDX reader pass through, naming the file.
  write_file(dir.file("train-images-idx3-ubyte.gz"), "garbage!", true);
  CHECK_ERROR(load_mnist(dir.path.string()),
              "read_idx: '" + dir.file("train-images-idx3-ubyte.gz") + "': wrong magic number");
}

TEST_CASE("data: Fashion-MNIST class names") {
  const auto& names = fashion_mnist_classes();
  CHECK(names[0] == "T-shirt/top");
  CHECK(names[7] == "Sneaker");
  CHECK(names[9] == "Ankle boot");
  CHECK(fashion_mnist_default_dir() == "/usr/share/datasets/fashion-mnist");
}

TEST_CASE("data: the real Fashion-MNIST test split (when installed)") {
  const std::string dir = fashion_mnist_default_dir();
  if (!fs::is_directory(dir)) {
    MESSAGE("skipped: " << dir << " is missing (apt-get install dataset-fashion-mnist)");
    return;
  }
  const Dataset test = load_mnist(dir, Split::test);
  REQUIRE(test.inputs.shape() == Shape{10000, 28, 28});
  REQUIRE(test.targets.shape() == Shape{10000});
  const std::vector<std::int64_t> labels = test.targets.to_vector<std::int64_t>();
  // The published test set holds exactly 1000 images of each class.
  std::vector<int> per_class(10, 0);
  std::int64_t out_of_range = 0;
  for (std::int64_t y : labels) {
    if (y >= 0 && y < 10)
      ++per_class[static_cast<std::size_t>(y)];
    else
      ++out_of_range;
  }
  CHECK(out_of_range == 0);
  CHECK(per_class == std::vector<int>(10, 1000));
  CHECK(labels[0] == 9);  // the first test image is an ankle boot
  const std::vector<float> pixels = test.inputs.to_vector<float>();
  CHECK(*std::min_element(pixels.begin(), pixels.end()) == 0.0f);
  CHECK(*std::max_element(pixels.begin(), pixels.end()) == 1.0f);
}

TEST_CASE("data: Fashion-MNIST training statistics and normalize (when installed)") {
  const std::string dir = fashion_mnist_default_dir();
  if (!fs::is_directory(dir)) {
    MESSAGE("skipped: " << dir << " is missing (apt-get install dataset-fashion-mnist)");
    return;
  }
  const Dataset train = load_mnist(dir, Split::train, {.flatten = true});
  REQUIRE(train.inputs.shape() == Shape{60000, 784});
  // The values usually quoted for Fashion-MNIST's training pixels (NumPy on
  // the raw files gives 0.286041 and 0.353024).
  const Stats s = mean_std(train.inputs);
  CHECK(s.mean == doctest::Approx(0.286041).epsilon(1e-5));
  CHECK(s.std == doctest::Approx(0.353024).epsilon(1e-5));
  const Stats after = mean_std(normalize(train.inputs, s.mean, s.std));
  CHECK(std::abs(after.mean) < 1e-5);
  CHECK(after.std == doctest::Approx(1.0).epsilon(1e-5));
}
