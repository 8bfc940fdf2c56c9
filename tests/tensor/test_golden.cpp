// Golden tests: tapegrad's tensor ops against outputs computed by NumPy.
//
// The fixtures in tests/reference/tensor/ are written by
// tests/reference/make_tensor_fixtures.py (seeded, deterministic); f32
// expectations are computed in f64 and rounded once, so they are the correctly
// rounded answers. Tolerances: f32 |got - want| <= 1e-5 + 1e-4 |want|,
// f64 <= 1e-12 + 1e-12 |want|, i64 exact; NaN must match NaN, inf must match inf.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/elementwise.hpp"
#include "tensor/im2col.hpp"
#include "tensor/linalg.hpp"
#include "tensor/npy.hpp"
#include "tensor/reduce.hpp"
#include "tensor/softmax.hpp"
#include "tensor/tensor.hpp"

using tg::Tensor;

namespace {

const char* const kFloatDtypes[] = {"f32", "f64"};

Tensor fixture(const std::string& name) {
  return tg::load_npy(std::string(TG_TEST_DATA_DIR) + "/tensor/" + name + ".npy");
}

// Compares element by element and reports the first mismatch and the count.
void check_close(const Tensor& got, const Tensor& want, const std::string& what) {
  INFO(what);
  REQUIRE(got.defined());
  CHECK(tg::dtype_name(got.dtype()) == std::string(tg::dtype_name(want.dtype())));
  REQUIRE(tg::shape_str(got.shape()) == tg::shape_str(want.shape()));
  const double tol = want.dtype() == tg::DType::f32 ? 1e-5 : want.dtype() == tg::DType::f64 ? 1e-12 : 0;
  const double rtol = want.dtype() == tg::DType::f32 ? 1e-4 : tol;
  const std::vector<double> g = got.to_double_vector(), w = want.to_double_vector();
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const bool ok = std::isnan(w[i])   ? std::isnan(g[i])
                    : std::isinf(w[i]) ? g[i] == w[i]
                                       : std::abs(g[i] - w[i]) <= tol + rtol * std::abs(w[i]);
    if (!ok && bad++ == 0) first = i;
  }
  if (bad > 0) {
    std::ostringstream os;
    os.precision(17);
    os << bad << " of " << w.size() << " elements differ; first at flat index " << first
       << ": got " << g[first] << ", NumPy " << w[first];
    FAIL_CHECK(os.str());
  }
}

// Runs `compute` and compares with fixture `name`. An op that throws is
// reported with its message (so a missing kernel shows up by name) and the
// remaining checks still run.
void check_fixture(const std::string& name, const std::function<Tensor()>& compute) {
  Tensor got;
  try {
    got = compute();
  } catch (const std::exception& e) {
    FAIL_CHECK(name << ": the op threw: " << e.what());
    return;
  }
  check_close(got, fixture(name), name);
}

}  // namespace

TEST_CASE("golden: binary elementwise ops broadcast [3, 1, 4] with [2, 4]") {
  for (const std::string dt : kFloatDtypes) {
    const Tensor a = fixture("ew_in_a_" + dt), b = fixture("ew_in_b_" + dt);
    const Tensor pa = fixture("ew_in_pa_" + dt), pb = fixture("ew_in_pb_" + dt);
    check_fixture("ew_add_" + dt, [&] { return tg::add(a, b); });
    check_fixture("ew_sub_" + dt, [&] { return tg::sub(a, b); });
    check_fixture("ew_mul_" + dt, [&] { return tg::mul(a, b); });
    check_fixture("ew_div_" + dt, [&] { return tg::div(a, b); });
    check_fixture("ew_pow_" + dt, [&] { return tg::pow(pa, pb); });
    check_fixture("ew_maximum_" + dt, [&] { return tg::maximum(a, b); });
    check_fixture("ew_minimum_" + dt, [&] { return tg::minimum(a, b); });
    // Operand order must not matter for the broadcast shape.
    check_fixture("ew_add_" + dt, [&] { return tg::add(b, a); });
  }
}

TEST_CASE("golden: unary elementwise ops, including the kinks at 0") {
  for (const std::string dt : kFloatDtypes) {
    const Tensor x = fixture("ew_in_x_" + dt), pos = fixture("ew_in_pos_" + dt);
    const Tensor wide = fixture("ew_in_wide_" + dt);
    check_fixture("ew_exp_" + dt, [&] { return tg::exp(x); });
    check_fixture("ew_log_" + dt, [&] { return tg::log(pos); });
    check_fixture("ew_sqrt_" + dt, [&] { return tg::sqrt(pos); });
    check_fixture("ew_abs_" + dt, [&] { return tg::abs(x); });
    check_fixture("ew_sign_" + dt, [&] { return tg::sign(x); });
    check_fixture("ew_tanh_" + dt, [&] { return tg::tanh(x); });
    check_fixture("ew_sigmoid_" + dt, [&] { return tg::sigmoid(x); });
    check_fixture("ew_relu_" + dt, [&] { return tg::relu(x); });
    check_fixture("ew_clamp_" + dt, [&] { return tg::clamp(x, -1.0, 0.5); });
    check_fixture("ew_neg_" + dt, [&] { return tg::neg(x); });
    check_fixture("ew_square_" + dt, [&] { return tg::square(x); });
    check_fixture("ew_tanh_wide_" + dt, [&] { return tg::tanh(wide); });
    check_fixture("ew_sigmoid_wide_" + dt, [&] { return tg::sigmoid(wide); });
    // A non-contiguous input gives the same values as a contiguous one.
    check_fixture("ew_exp_" + dt, [&] {
      return tg::exp(x.transpose(0, 2).contiguous().transpose(0, 2));
    });
  }
}

TEST_CASE("golden: where and comparisons (with ties) broadcast") {
  for (const std::string dt : kFloatDtypes) {
    const Tensor a = fixture("ew_in_a_" + dt), b = fixture("ew_in_b_" + dt);
    const Tensor ca = fixture("ew_in_ca_" + dt), cb = fixture("ew_in_cb_" + dt);
    const Tensor cond = fixture("ew_in_cond_" + dt);
    check_fixture("ew_where_" + dt, [&] { return tg::where(cond, a, b); });
    check_fixture("ew_eq_" + dt, [&] { return tg::eq(ca, cb); });
    check_fixture("ew_ne_" + dt, [&] { return tg::ne(ca, cb); });
    check_fixture("ew_lt_" + dt, [&] { return tg::lt(ca, cb); });
    check_fixture("ew_le_" + dt, [&] { return tg::le(ca, cb); });
    check_fixture("ew_gt_" + dt, [&] { return tg::gt(ca, cb); });
    check_fixture("ew_ge_" + dt, [&] { return tg::ge(ca, cb); });
  }
}

namespace {
// Same table as REDUCE_CASES in make_tensor_fixtures.py; {} means every axis.
struct ReduceCase {
  const char* tag;
  tg::Axes axes;
  bool keepdim;
};
const ReduceCase kReduceCases[] = {
    {"all", {}, false},  {"all_keep", {}, true},  {"ax0", {0}, false},
    {"ax1_keep", {1}, true}, {"axm1", {-1}, false}, {"ax02", {0, 2}, false},
    {"ax12_keep", {1, 2}, true},
};
}  // namespace

TEST_CASE("golden: sum, mean, max, min and norms over axis sets, with keepdim") {
  const Tensor ints = fixture("red_in_ints_i64");
  for (const ReduceCase& c : kReduceCases)
    check_fixture(std::string("red_sum_") + c.tag + "_i64",
                  [&] { return tg::sum(ints, c.axes, c.keepdim); });
  for (const std::string dt : kFloatDtypes) {
    const Tensor x = fixture("red_in_x_" + dt);
    for (const ReduceCase& c : kReduceCases) {
      const std::string suffix = std::string(c.tag) + "_" + dt;
      check_fixture("red_sum_" + suffix, [&] { return tg::sum(x, c.axes, c.keepdim); });
      check_fixture("red_mean_" + suffix, [&] { return tg::mean(x, c.axes, c.keepdim); });
      check_fixture("red_max_" + suffix, [&] { return tg::max(x, c.axes, c.keepdim); });
      check_fixture("red_min_" + suffix, [&] { return tg::min(x, c.axes, c.keepdim); });
      check_fixture("red_norm2_" + suffix, [&] { return tg::norm(x, 2.0, c.axes, c.keepdim); });
      check_fixture("red_norm1_" + suffix, [&] { return tg::norm(x, 1.0, c.axes, c.keepdim); });
      check_fixture("red_norminf_" + suffix,
                    [&] { return tg::norm(x, INFINITY, c.axes, c.keepdim); });
    }
  }
}

TEST_CASE("golden: argmax and argmin pick the first of tied values") {
  for (const std::string dt : kFloatDtypes) {
    const Tensor ties = fixture("red_in_ties_" + dt);
    for (std::int64_t axis : {0, 1, 2}) {
      for (bool keep : {false, true}) {
        const std::string suffix =
            "ax" + std::to_string(axis) + (keep ? "_keep" : "") + "_" + dt;
        check_fixture("red_argmax_" + suffix, [&] { return tg::argmax(ties, axis, keep); });
        check_fixture("red_argmin_" + suffix, [&] { return tg::argmin(ties, axis, keep); });
      }
    }
    const Tensor x = fixture("red_in_x_" + dt);
    check_fixture("red_argmax_flat_" + dt, [&] { return tg::argmax(x); });
  }
}

TEST_CASE("golden: softmax, log_softmax and logsumexp along each axis") {
  for (const std::string dt : kFloatDtypes) {
    const Tensor x = fixture("sm_in_x_" + dt);
    for (std::int64_t axis : {0, 1, -1}) {
      const std::string tag = axis < 0 ? "axm1" : "ax" + std::to_string(axis);
      check_fixture("sm_softmax_" + tag + "_" + dt, [&] { return tg::softmax(x, axis); });
      check_fixture("sm_log_softmax_" + tag + "_" + dt, [&] { return tg::log_softmax(x, axis); });
      check_fixture("sm_logsumexp_" + tag + "_" + dt, [&] { return tg::logsumexp(x, axis); });
      check_fixture("sm_logsumexp_" + tag + "_keep_" + dt,
                    [&] { return tg::logsumexp(x, axis, true); });
    }
    // Rows around +-1000: exp would overflow without subtracting the maximum.
    const Tensor large = fixture("sm_in_large_" + dt);
    check_fixture("sm_softmax_large_" + dt, [&] { return tg::softmax(large, -1); });
    check_fixture("sm_log_softmax_large_" + dt, [&] { return tg::log_softmax(large, -1); });
    check_fixture("sm_logsumexp_large_" + dt, [&] { return tg::logsumexp(large, -1); });
  }
}

TEST_CASE("golden: matmul for matrices, broadcast batches and vectors") {
  // Same table as MATMUL_CASES in make_tensor_fixtures.py.
  const char* const cases[] = {"2d",        "batched",   "vec_mat", "mat_vec",
                               "vec_vec",   "batch_vec", "vec_batch", "odd"};
  for (const std::string dt : kFloatDtypes) {
    for (const std::string tag : cases) {
      if (tag == "odd" && dt == "f64") continue;  // f32 only, to keep fixtures small
      const std::string prefix = "mm_" + tag + "_";
      const Tensor a = fixture(prefix + "a_" + dt), b = fixture(prefix + "b_" + dt);
      check_fixture(prefix + "out_" + dt, [&] { return tg::matmul(a, b); });
      if (a.dim() == 2 && b.dim() == 2) {
        // The same products with transposed views as operands (no copies).
        const Tensor bt = b.transpose(0, 1).contiguous().transpose(0, 1);
        const Tensor at = a.transpose(0, 1).contiguous().transpose(0, 1);
        check_fixture(prefix + "out_" + dt, [&] { return tg::matmul(at, bt); });
      }
    }
  }
}

TEST_CASE("golden: im2col and col2im for a padded, strided, dilated geometry") {
  const tg::Conv2dGeometry g{.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 1,
                             .pad_h = 1, .pad_w = 2, .dilation_h = 1, .dilation_w = 2};
  for (const std::string dt : kFloatDtypes) {
    const Tensor x = fixture("im2col_x_" + dt);
    check_fixture("im2col_cols_" + dt, [&] { return tg::im2col(x, g); });
    const Tensor cols = fixture("col2im_in_" + dt);
    check_fixture("col2im_out_" + dt, [&] { return tg::col2im(cols, x.shape(), g); });
  }
}
