#include "nn/init.hpp"

#include <cmath>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/error.hpp"

namespace tg::nn::init {

namespace {

void check_fillable(const Tensor& t, const char* op) {
  if (!t.defined()) fail(op, ": the tensor is undefined");
  if (!is_floating(t.dtype()))
    fail(op, ": expected a floating tensor (f32 or f64), got ", dtype_name(t.dtype()), " of shape ",
         shape_str(t.shape()));
}

std::int64_t chosen_fan(const Tensor& t, FanMode mode) {
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return mode == FanMode::fan_in ? fan_in : fan_out;
}

// Orthonormalises the columns of the row-major n x m matrix `a` (n >= m) in
// place. Modified Gram-Schmidt run twice ("twice is enough", Giraud et al.
// 2005): one pass loses orthogonality in proportion to the condition number.
void orthonormalize_columns(std::vector<double>& a, std::int64_t n, std::int64_t m) {
  auto at = [&](std::int64_t i, std::int64_t j) -> double& { return a[i * m + j]; };
  for (std::int64_t j = 0; j < m; ++j) {
    for (int pass = 0; pass < 2; ++pass)
      for (std::int64_t k = 0; k < j; ++k) {
        double dot = 0;
        for (std::int64_t i = 0; i < n; ++i) dot += at(i, k) * at(i, j);
        for (std::int64_t i = 0; i < n; ++i) at(i, j) -= dot * at(i, k);
      }
    double norm = 0;
    for (std::int64_t i = 0; i < n; ++i) norm += at(i, j) * at(i, j);
    norm = std::sqrt(norm);
    // Dividing by the (positive) norm makes R's diagonal positive, which is
    // what makes Q uniformly (Haar) distributed (Mezzadri 2007).
    for (std::int64_t i = 0; i < n; ++i) at(i, j) /= norm;
  }
}

}  // namespace

double calculate_gain(Nonlinearity nonlinearity, double negative_slope) {
  switch (nonlinearity) {
    case Nonlinearity::linear:
    case Nonlinearity::sigmoid: return 1.0;
    case Nonlinearity::tanh: return 5.0 / 3.0;
    case Nonlinearity::relu: return std::sqrt(2.0);
    case Nonlinearity::leaky_relu: return std::sqrt(2.0 / (1.0 + negative_slope * negative_slope));
  }
  return 1.0;
}

std::pair<std::int64_t, std::int64_t> calculate_fan_in_and_fan_out(const Tensor& t) {
  if (!t.defined()) fail("calculate_fan_in_and_fan_out: the tensor is undefined");
  if (t.dim() < 2)
    fail("calculate_fan_in_and_fan_out: fans need a tensor with at least 2 dimensions "
         "[out, in, ...], got ", shape_str(t.shape()));
  std::int64_t receptive_field = 1;
  for (std::int64_t d = 2; d < t.dim(); ++d) receptive_field *= t.shape()[d];
  return {t.shape()[1] * receptive_field, t.shape()[0] * receptive_field};
}

Tensor kaiming_uniform_(Tensor t, Generator& gen, const KaimingOptions& options) {
  check_fillable(t, "kaiming_uniform_");
  if (t.numel() == 0) return t;
  const double gain = calculate_gain(options.nonlinearity, options.a);
  const double bound = gain * std::sqrt(3.0 / static_cast<double>(chosen_fan(t, options.mode)));
  return uniform_(t, gen, -bound, bound);
}

Tensor kaiming_normal_(Tensor t, Generator& gen, const KaimingOptions& options) {
  check_fillable(t, "kaiming_normal_");
  if (t.numel() == 0) return t;
  const double gain = calculate_gain(options.nonlinearity, options.a);
  const double std = gain / std::sqrt(static_cast<double>(chosen_fan(t, options.mode)));
  return normal_(t, gen, 0.0, std);
}

Tensor xavier_uniform_(Tensor t, Generator& gen, double gain) {
  check_fillable(t, "xavier_uniform_");
  if (t.numel() == 0) return t;
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  const double a = gain * std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  return uniform_(t, gen, -a, a);
}

Tensor xavier_normal_(Tensor t, Generator& gen, double gain) {
  check_fillable(t, "xavier_normal_");
  if (t.numel() == 0) return t;
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return normal_(t, gen, 0.0, gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out)));
}

Tensor orthogonal_(Tensor t, Generator& gen, double gain) {
  check_fillable(t, "orthogonal_");
  if (t.dim() < 2)
    fail("orthogonal_: needs a tensor with at least 2 dimensions, got ", shape_str(t.shape()));
  if (t.numel() == 0) return t;
  const std::int64_t rows = t.shape()[0], cols = t.numel() / rows;
  // Work on the tall orientation, so that the columns can be orthonormal.
  const bool wide = rows < cols;
  const std::int64_t n = wide ? cols : rows, m = wide ? rows : cols;
  std::vector<double> a = randn({n, m}, gen, DType::f64).to_double_vector();
  orthonormalize_columns(a, n, m);
  Tensor q = from_vector(a, {n, m});
  if (wide) q = q.transpose(0, 1);
  t.copy_(mul(q, gain).reshape(t.shape()).to(t.dtype()));
  return t;
}

Tensor uniform_(Tensor t, Generator& gen, double low, double high) {
  check_fillable(t, "uniform_");
  if (!(low <= high)) fail("uniform_: expected low <= high, got [", low, ", ", high, ")");
  t.copy_(uniform(t.shape(), low, high, gen, t.dtype()));
  return t;
}

Tensor normal_(Tensor t, Generator& gen, double mean, double std) {
  check_fillable(t, "normal_");
  if (!(std >= 0)) fail("normal_: expected std >= 0, got ", std);
  t.copy_(normal(t.shape(), mean, std, gen, t.dtype()));
  return t;
}

Tensor constant_(Tensor t, double value) {
  check_fillable(t, "constant_");
  t.fill_(value);
  return t;
}

Tensor zeros_(Tensor t) {
  check_fillable(t, "zeros_");
  t.fill_(0.0);
  return t;
}

Tensor ones_(Tensor t) {
  check_fillable(t, "ones_");
  t.fill_(1.0);
  return t;
}

Generator& layer_generator(Generator* generator, std::optional<std::uint64_t> seed,
                           Generator& local) {
  if (generator != nullptr) return *generator;
  if (seed) {
    local = Generator(*seed);
    return local;
  }
  return default_generator();
}

}  // namespace tg::nn::init
