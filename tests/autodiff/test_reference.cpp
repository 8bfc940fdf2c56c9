// Forward values and gradients of the main ops against PyTorch 1.13, in f32.
// The fixtures (tests/reference/autodiff/*.npy) hold each case's inputs, an
// upstream weight u, the output y and the gradients of sum(u * y); they were
// written by tests/reference/make_autodiff_fixtures.py.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>

#include "autodiff/autodiff.hpp"
#include "tensor/npy.hpp"

using namespace tg;

namespace {

using Fn = std::function<Var(const std::vector<Var>&)>;

std::string fixture(const std::string& name) {
  return std::string(TG_TEST_DATA_DIR) + "/autodiff/" + name + ".npy";
}

const std::map<std::string, std::pair<int, Fn>>& cases() {
  static const std::map<std::string, std::pair<int, Fn>> table = {
      {"add_broadcast", {2, [](auto& v) { return v[0] + v[1]; }}},
      {"mul_broadcast", {2, [](auto& v) { return v[0] * v[1]; }}},
      {"div", {2, [](auto& v) { return v[0] / v[1]; }}},
      {"pow", {2, [](auto& v) { return pow(v[0], v[1]); }}},
      {"exp", {1, [](auto& v) { return exp(v[0]); }}},
      {"log", {1, [](auto& v) { return log(v[0]); }}},
      {"tanh", {1, [](auto& v) { return tanh(v[0]); }}},
      {"sigmoid", {1, [](auto& v) { return sigmoid(v[0]); }}},
      {"relu", {1, [](auto& v) { return relu(v[0]); }}},
      {"abs", {1, [](auto& v) { return abs(v[0]); }}},
      {"clamp", {1, [](auto& v) { return clamp(v[0], -0.5, 0.7); }}},
      {"maximum", {2, [](auto& v) { return maximum(v[0], v[1]); }}},
      {"matmul_batched", {2, [](auto& v) { return matmul(v[0], v[1]); }}},
      {"matmul_vector", {2, [](auto& v) { return matmul(v[0], v[1]); }}},
      {"sum_axis", {1, [](auto& v) { return sum(v[0], {1}); }}},
      {"mean_keepdim", {1, [](auto& v) { return mean(v[0], {-1}, true); }}},
      {"max_axis", {1, [](auto& v) { return max(v[0], {0}); }}},
      {"log_softmax", {1, [](auto& v) { return log_softmax(v[0], -1); }}},
      {"softmax_axis0", {1, [](auto& v) { return softmax(v[0], 0); }}},
      {"logsumexp", {1, [](auto& v) { return logsumexp(v[0], 1); }}},
      {"softplus", {1, [](auto& v) { return softplus(v[0]); }}},
      {"logsigmoid", {1, [](auto& v) { return logsigmoid(v[0]); }}},
      {"gelu_tanh", {1, [](auto& v) { return gelu(v[0]); }}},
      {"leaky_relu", {1, [](auto& v) { return leaky_relu(v[0], 0.1); }}},
      {"norm_rows", {1, [](auto& v) { return norm(v[0], 2.0, {1}); }}},
      {"conv2d", {3, [](auto& v) { return conv2d(v[0], v[1], v[2], 1, 1); }}},
      {"conv2d_stride2", {2, [](auto& v) { return conv2d(v[0], v[1], Var(), 2, 0); }}},
      {"max_pool2d", {1, [](auto& v) { return max_pool2d(v[0], 2); }}},
      {"avg_pool2d", {1, [](auto& v) { return avg_pool2d(v[0], 2, 1); }}},
      {"cat", {2, [](auto& v) { return cat({v[0], v[1]}, 1); }}},
      {"slice_step", {1, [](auto& v) { return slice(v[0], 1, 1, 6, 2); }}},
      {"permute", {1, [](auto& v) { return permute(v[0], {2, 0, 1}); }}},
  };
  return table;
}

// |ours - theirs| <= atol + rtol |theirs| elementwise, with the shapes equal.
void check_close(const Tensor& ours, const Tensor& theirs, const std::string& what) {
  CAPTURE(what);
  REQUIRE(ours.shape() == theirs.shape());
  const auto a = ours.to_double_vector();
  const auto b = theirs.to_double_vector();
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(std::abs(a[i] - b[i]) <= 1e-5 + 1e-4 * std::abs(b[i]));
  }
}

}  // namespace

TEST_CASE("autodiff: forward values and gradients match PyTorch (f32)") {
  for (const auto& [name, entry] : cases()) {
    CAPTURE(name);
    const auto& [arity, fn] = entry;
    std::vector<Var> inputs;
    for (int i = 0; i < arity; ++i)
      inputs.emplace_back(load_npy(fixture(name + "_in" + std::to_string(i))), true);
    const Var y = fn(inputs);
    check_close(y.value(), load_npy(fixture(name + "_out")), name + " forward");
    y.backward(load_npy(fixture(name + "_upstream")).contiguous());
    for (int i = 0; i < arity; ++i)
      check_close(inputs[static_cast<std::size_t>(i)].grad().value(),
                  load_npy(fixture(name + "_grad" + std::to_string(i))),
                  name + " gradient of input " + std::to_string(i));
  }
}
