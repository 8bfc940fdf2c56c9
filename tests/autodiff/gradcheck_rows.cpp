#include "gradcheck_rows.hpp"

#include "tensor/indexing.hpp"

namespace tg::testing {

namespace {
using Vars = std::vector<Var>;

GradcheckRow unary(std::string op, std::string label, Var (*fn)(const Var&), Tensor x) {
  return {op, label, [fn](const Vars& v) { return fn(v[0]); }, {std::move(x)}};
}
}  // namespace

std::vector<GradcheckRow> gradcheck_rows() {
  std::vector<GradcheckRow> rows;
  const auto add_row = [&](GradcheckRow row) { rows.push_back(std::move(row)); };

  // --- elementwise binary: same shape, broadcasting, 0-d, strided views
  add_row({"add", "broadcast [2,3] + [3]", [](const Vars& v) { return v[0] + v[1]; },
           {normal64({2, 3}, 1), normal64({3}, 2)}});
  add_row({"add", "0-d + [2]", [](const Vars& v) { return v[0] + v[1]; },
           {normal64({}, 3), normal64({2}, 4)}});
  add_row({"sub", "broadcast [2,1] - [1,3]", [](const Vars& v) { return v[0] - v[1]; },
           {normal64({2, 1}, 5), normal64({1, 3}, 6)}});
  add_row({"mul", "transposed view * [3]",
           [](const Vars& v) { return transpose(v[0], 0, 1) * v[1]; },
           {normal64({3, 2}, 7), normal64({3}, 8)}});
  add_row({"div", "denominator away from 0", [](const Vars& v) { return v[0] / v[1]; },
           {normal64({2, 3}, 9), away_from_zero({2, 3}, 10)}});
  add_row({"pow", "positive base, broadcast exponent", [](const Vars& v) { return pow(v[0], v[1]); },
           {uniform64({2, 3}, 0.5, 2.0, 11), normal64({3}, 12)}});
  add_row({"maximum", "distinct values", [](const Vars& v) { return maximum(v[0], v[1]); },
           {normal64({2, 3}, 13), normal64({2, 3}, 14)}});
  add_row({"minimum", "broadcast", [](const Vars& v) { return minimum(v[0], v[1]); },
           {normal64({2, 3}, 15), normal64({3}, 16)}});

  // --- elementwise unary
  add_row(unary("neg", "", neg, normal64({2, 3}, 20)));
  add_row({"pow_scalar", "x^3", [](const Vars& v) { return pow(v[0], 3.0); }, {normal64({2, 2}, 21)}});
  add_row({"pow_scalar", "x^0.5 on x > 0", [](const Vars& v) { return pow(v[0], 0.5); },
           {uniform64({3}, 0.5, 2, 22)}});
  add_row({"pow_scalar", "x^-2", [](const Vars& v) { return pow(v[0], -2.0); },
           {away_from_zero({3}, 23)}});
  add_row(unary("exp", "", exp, normal64({2, 3}, 24)));
  add_row(unary("exp", "0-d", exp, normal64({}, 25)));
  add_row(unary("log", "x > 0", log, uniform64({2, 3}, 0.3, 3, 26)));
  add_row(unary("sqrt", "x > 0", sqrt, uniform64({2, 3}, 0.3, 3, 27)));
  add_row(unary("abs", "away from 0", abs, away_from_zero({2, 3}, 28)));
  add_row(unary("sign", "away from 0 (gradient 0)", sign, away_from_zero({4}, 29)));
  add_row(unary("tanh", "", tanh, normal64({2, 3}, 30)));
  add_row(unary("sigmoid", "", sigmoid, normal64({2, 3}, 31)));
  add_row(unary("relu", "away from 0", relu, away_from_zero({2, 3}, 32)));
  add_row({"clamp", "away from the bounds", [](const Vars& v) { return clamp(v[0], -0.5, 0.7); },
           {from_vector(std::vector<double>{-1.3, -0.2, 0.1, 0.4, 0.9, 2.0})}});
  add_row({"where", "constant condition, broadcast branches",
           [](const Vars& v) {
             const Tensor cond = tensor({{1, 0, 1}, {0, 0, 1}}, DType::f64);
             return where(cond, v[0], v[1]);
           },
           {normal64({2, 3}, 33), normal64({3}, 34)}});
  add_row({"cast", "f64 -> f64 (identity) and back",
           [](const Vars& v) { return cast(cast(v[0], DType::f64) * 2.0, DType::f64); },
           {normal64({3}, 35)}});
  {
    GradcheckRow r{"cast", "through f32 (looser tolerance)",
                   [](const Vars& v) { return cast(cast(v[0], DType::f32), DType::f64); },
                   {normal64({3}, 36)}};
    r.options.eps = 1e-2;  // f32 rounding (~1e-7) must be small next to eps
    r.options.atol = 1e-4;
    r.second_order = false;
    add_row(r);
  }

  // --- reductions
  add_row({"sum", "all axes", [](const Vars& v) { return sum(v[0]); }, {normal64({2, 3}, 40)}});
  add_row({"sum", "axis 0 keepdim", [](const Vars& v) { return sum(v[0], {0}, true); },
           {normal64({2, 3}, 41)}});
  add_row({"sum", "axes {0, 2} of a 3-d tensor", [](const Vars& v) { return sum(v[0], {0, -1}); },
           {normal64({2, 3, 2}, 42)}});
  add_row({"sum", "0-d", [](const Vars& v) { return sum(v[0]); }, {normal64({}, 43)}});
  add_row({"max", "axis 1, distinct values", [](const Vars& v) { return max(v[0], {1}); },
           {normal64({2, 4}, 44)}});
  add_row({"max", "all axes", [](const Vars& v) { return max(v[0]); }, {normal64({3, 2}, 45)}});
  add_row({"log_softmax", "last axis", [](const Vars& v) { return log_softmax(v[0], -1); },
           {normal64({2, 4}, 46)}});
  add_row({"log_softmax", "axis 0", [](const Vars& v) { return log_softmax(v[0], 0); },
           {normal64({3, 2}, 47)}});

  // --- shape and indexing
  add_row({"reshape", "", [](const Vars& v) { return reshape(v[0], {3, 2}) * v[1]; },
           {normal64({2, 3}, 50), normal64({3, 2}, 51)}});
  add_row({"permute", "3-d", [](const Vars& v) { return permute(v[0], {2, 0, 1}) * v[1]; },
           {normal64({2, 3, 2}, 52), normal64({2, 2, 3}, 53)}});
  add_row({"slice", "step 1, negative start", [](const Vars& v) { return slice(v[0], 1, -3, 4); },
           {normal64({2, 5}, 54)}});
  add_row({"slice", "step 2", [](const Vars& v) { return slice(v[0], 0, 1, 6, 2) * 3.0; },
           {normal64({7, 2}, 55)}});
  add_row({"expand", "[3,1] -> [2,3,4]", [](const Vars& v) { return expand(v[0], {2, 3, 4}) * v[1]; },
           {normal64({3, 1}, 56), normal64({2, 3, 4}, 57)}});
  add_row({"cat", "three inputs, axis 1",
           [](const Vars& v) { return cat({v[0], v[1], v[2]}, 1) * 2.0; },
           {normal64({2, 1}, 58), normal64({2, 3}, 59), normal64({2, 2}, 60)}});
  add_row({"gather", "labels along axis 1",
           [](const Vars& v) {
             const Tensor idx = from_vector(std::vector<std::int64_t>{2, 0, 1, 1}, {4, 1});
             return gather(v[0], 1, idx);
           },
           {normal64({4, 3}, 61)}});
  add_row({"scatter_add", "repeated indices",
           [](const Vars& v) {
             const Tensor idx = from_vector(std::vector<std::int64_t>{0, 2, 0, 1, 1, 1}, {2, 3});
             return scatter_add(v[0], 1, idx, v[1]) * v[0];
           },
           {normal64({2, 3}, 62), normal64({2, 3}, 63)}});

  // --- linear algebra and convolution
  add_row({"matmul", "2-d", [](const Vars& v) { return matmul(v[0], v[1]); },
           {normal64({2, 3}, 70), normal64({3, 4}, 71)}});
  add_row({"matmul", "batched with broadcast batch axis",
           [](const Vars& v) { return matmul(v[0], v[1]); },
           {normal64({2, 2, 3}, 72), normal64({3, 2}, 73)}});
  add_row({"matmul", "vector @ matrix and matrix @ vector",
           [](const Vars& v) { return matmul(matmul(v[0], v[1]), v[2]); },
           {normal64({3}, 74), normal64({3, 2}, 75), normal64({2}, 76)}});
  add_row({"matmul", "transposed operand", [](const Vars& v) { return matmul(transpose(v[0], 0, 1), v[1]); },
           {normal64({3, 2}, 77), normal64({3, 2}, 78)}});
  Conv2dGeometry g;
  g.kernel_h = g.kernel_w = 2;
  g.stride_h = g.stride_w = 1;
  g.pad_h = g.pad_w = 1;
  add_row({"im2col", "2x2 kernel, padding 1", [g](const Vars& v) { return im2col(v[0], g); },
           {normal64({1, 2, 3, 3}, 80)}});
  add_row({"col2im", "adjoint of im2col",
           [g](const Vars& v) { return col2im(v[0], {1, 2, 3, 3}, g); },
           {normal64({1, 8, 16}, 81)}});

  // --- composites (gradients come from the primitives above)
  add_row(unary("square", "", square, normal64({3}, 90)));
  add_row({"mean", "axis -1", [](const Vars& v) { return mean(v[0], {-1}); }, {normal64({2, 3}, 91)}});
  add_row({"min", "axis 0", [](const Vars& v) { return min(v[0], {0}); }, {normal64({3, 2}, 92)}});
  add_row({"softmax", "", [](const Vars& v) { return softmax(v[0], -1); }, {normal64({2, 3}, 93)}});
  add_row({"logsumexp", "", [](const Vars& v) { return logsumexp(v[0], 1); }, {normal64({2, 3}, 94)}});
  add_row(unary("softplus", "", softplus, away_from_zero({2, 3}, 95)));
  add_row(unary("logsigmoid", "", logsigmoid, away_from_zero({2, 3}, 96)));
  add_row(unary("gelu", "", gelu, normal64({2, 3}, 97)));
  add_row({"leaky_relu", "away from 0", [](const Vars& v) { return leaky_relu(v[0], 0.1); },
           {away_from_zero({2, 3}, 98)}});
  add_row({"norm", "p = 2 per row", [](const Vars& v) { return norm(v[0], 2.0, {1}); },
           {normal64({2, 3}, 99)}});
  add_row({"norm", "p = 1", [](const Vars& v) { return norm(v[0], 1.0); }, {away_from_zero({4}, 100)}});
  add_row({"norm", "p = 3", [](const Vars& v) { return norm(v[0], 3.0); }, {away_from_zero({4}, 101)}});
  add_row({"stack", "axis 1", [](const Vars& v) { return stack({v[0], v[1]}, 1) * 2.0; },
           {normal64({2, 2}, 102), normal64({2, 2}, 103)}});
  add_row({"conv2d", "stride 1, padding 1, bias",
           [](const Vars& v) { return conv2d(v[0], v[1], v[2], 1, 1); },
           {normal64({2, 2, 4, 4}, 104), normal64({3, 2, 3, 3}, 105), normal64({3}, 106)}});
  add_row({"max_pool2d", "2x2", [](const Vars& v) { return max_pool2d(v[0], 2); },
           {normal64({1, 2, 4, 4}, 107)}});
  add_row({"avg_pool2d", "2x2 stride 1", [](const Vars& v) { return avg_pool2d(v[0], 2, 1); },
           {normal64({1, 1, 3, 3}, 108)}});
  return rows;
}

}  // namespace tg::testing
