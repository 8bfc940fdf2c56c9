// Checkpoints of a Module: names, in-place loading, strictness, mismatch
// errors, and a file that an independent NumPy reader accepts.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>

#include "autodiff/autodiff.hpp"
#include "nn/checkpoint.hpp"
#include "nn/module.hpp"
#include "nn/safetensors.hpp"
#include "tensor/creation.hpp"

using namespace tg;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("tapegrad_test_checkpoint_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// The values that tests/reference/read_checkpoint.py --known recomputes.
struct Inner : nn::Module {
  Var weight, bias;
  Tensor steps, empty;
  explicit Inner(double shift = 0) {
    weight = register_parameter(
        "weight", tensor({{-1.25 + shift, -0.75, -0.25}, {0.25, 0.75, 1.25}}), nn::ParamRole::weight);
    bias = register_parameter("bias", tensor({kNan, -kInf, 1e-300}, DType::f64), nn::ParamRole::bias);
    steps = from_vector(std::vector<std::int64_t>{kMin, static_cast<std::int64_t>(shift), kMax});
    register_buffer("steps", steps);
    empty = zeros({0, 4});
    register_buffer("empty", empty);
  }
};
struct Model : nn::Module {
  Var scale;
  std::shared_ptr<Inner> fc;
  explicit Model(double shift = 0) {
    scale = register_parameter("scale", scalar(-1.5 + shift, DType::f64), nn::ParamRole::norm);
    fc = register_module("fc", std::make_shared<Inner>(shift));
  }
};
// A model whose parameter "scale" has another shape or dtype.
struct Reshaped : nn::Module {
  Reshaped(const Shape& shape, DType dtype) { register_parameter("scale", zeros(shape, dtype), nn::ParamRole::norm); }
};

std::string bits(const Tensor& t) {
  const Tensor c = t.contiguous();
  return std::string(static_cast<const char*>(c.raw_data()), c.numel() * dtype_size(c.dtype()));
}

}  // namespace

TEST_CASE("nn: checkpoint stores parameters and buffers by dotted name") {
  TempDir dir;
  Model m;
  nn::save(m, dir.file("m.safetensors"), {{"epoch", "3"}});
  const auto file = nn::load_safetensors(dir.file("m.safetensors"));
  std::vector<std::string> names;
  for (const auto& [name, t] : file.tensors) names.push_back(name);
  CHECK(names == std::vector<std::string>{"scale", "fc.weight", "fc.bias", "fc.steps", "fc.empty"});
  CHECK(file.metadata == std::map<std::string, std::string>{{"epoch", "3"}, {"format", "tapegrad"}});
}

TEST_CASE("nn: checkpoint loads in place, so held Vars see the new values") {
  TempDir dir;
  Model saved;
  nn::save(saved, dir.file("m.safetensors"));
  Model target(/*shift=*/10.0);
  const std::vector<Var> held = target.parameters();  // what an optimizer would hold
  const Tensor steps_before = target.fc->steps;
  nn::load(target, dir.file("m.safetensors"));
  CHECK(bits(held[0].value()) == bits(saved.scale.value()));
  CHECK(bits(held[1].value()) == bits(saved.fc->weight.value()));
  CHECK(bits(held[2].value()) == bits(saved.fc->bias.value()));  // NaN and -inf bit for bit
  CHECK(bits(steps_before) == bits(saved.fc->steps));
  CHECK(held[1].value().shares_storage(target.fc->weight.value()));
  CHECK(held[1].requires_grad());
  CHECK(held[1].is_leaf());
  // The loaded parameters still train: a gradient reaches them.
  sum(target.fc->weight * 2.0).backward();
  CHECK(held[1].grad().value().to_double_vector() == std::vector<double>(6, 2.0));
}

TEST_CASE("nn: strict load lists missing and unexpected tensors; non-strict returns them") {
  TempDir dir;
  Reshaped other({}, DType::f64);  // only "scale", which matches Model's
  nn::save(other, dir.file("small.safetensors"));
  Model m(/*shift=*/1.0);
  CHECK_THROWS_WITH_AS(nn::load(m, dir.file("small.safetensors")),
                       doctest::Contains("missing in the file: fc.weight, fc.bias, fc.steps, fc.empty"),
                       Error);
  CHECK(m.scale.item() == -0.5);  // a failed load changes nothing
  const nn::LoadResult r = nn::load(m, dir.file("small.safetensors"), /*strict=*/false);
  CHECK(r.missing == std::vector<std::string>{"fc.weight", "fc.bias", "fc.steps", "fc.empty"});
  CHECK(r.unexpected.empty());
  CHECK(m.scale.item() == 0.0);  // the matching tensor was loaded

  nn::save(m, dir.file("big.safetensors"));
  CHECK_THROWS_WITH_AS(nn::load(other, dir.file("big.safetensors")),
                       doctest::Contains("unexpected in the file: fc.weight, fc.bias, fc.steps, fc.empty"),
                       Error);
  CHECK(nn::load(other, dir.file("big.safetensors"), false).unexpected.size() == 4);
}

TEST_CASE("nn: checkpoint shape and dtype mismatches name the tensor") {
  TempDir dir;
  Model m;
  nn::save(m, dir.file("m.safetensors"));
  Reshaped wrong_shape({2}, DType::f64), wrong_dtype({}, DType::f32);
  CHECK_THROWS_WITH_AS(nn::load(wrong_shape, dir.file("m.safetensors"), false),
                       doctest::Contains("tensor 'scale': the module expects f64 [2], the file has f64 []"),
                       Error);
  CHECK_THROWS_WITH_AS(nn::load(wrong_dtype, dir.file("m.safetensors"), false),
                       doctest::Contains("the module expects f32 [], the file has f64 []"), Error);
  CHECK_THROWS_WITH_AS(nn::load(m, dir.file("absent.safetensors")),
                       doctest::Contains("absent.safetensors': cannot open"), Error);
}

TEST_CASE("nn: checkpoint is readable by NumPy (tests/reference/read_checkpoint.py)") {
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) {
    MESSAGE("skipped: /usr/bin/python3 with NumPy is not available");
    return;
  }
  TempDir dir;
  Model m;
  const std::string path = dir.file("known.safetensors");
  nn::save(m, path);
  const std::string script = std::string(TG_TEST_DATA_DIR) + "/read_checkpoint.py";
  CHECK(std::system(("/usr/bin/python3 '" + script + "' '" + path + "' --known").c_str()) == 0);
  // The reader is not a rubber stamp: a different value fails it.
  Model changed(/*shift=*/0.5);
  nn::save(changed, path);
  CHECK(std::system(("/usr/bin/python3 '" + script + "' '" + path + "' --known >/dev/null").c_str()) != 0);
}
