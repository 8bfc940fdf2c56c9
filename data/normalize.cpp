#include "data/normalize.hpp"

#include <cmath>

#include "tensor/elementwise.hpp"
#include "tensor/error.hpp"

namespace tg::data {

Stats mean_std(const Tensor& x) {
  x.check_defined("mean_std");
  if (x.numel() == 0) fail("mean_std: x ", shape_str(x.shape()), " is empty");
  // Two passes in f64: the one-pass E[x^2] - E[x]^2 cancels badly when the
  // mean is large next to the spread. Plain loops rather than tensor ops, so
  // a 60000-image training set needs no f64 copies.
  const Tensor c = x.contiguous();
  const auto n = static_cast<double>(c.numel());
  return dispatch_floating(c.dtype(), "mean_std", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = c.data<T>();
    double sum = 0;
    for (std::int64_t i = 0; i < c.numel(); ++i) sum += p[i];
    const double mean = sum / n;
    double squares = 0;
    for (std::int64_t i = 0; i < c.numel(); ++i) squares += (p[i] - mean) * (p[i] - mean);
    return Stats{mean, std::sqrt(squares / n)};
  });
}

Tensor normalize(const Tensor& x, double mean, double std) {
  x.check_defined("normalize");
  if (!(std > 0)) fail("normalize: std must be > 0, got ", std);
  if (!is_floating(x.dtype()))
    fail("normalize: expected f32 or f64 values, got ", dtype_name(x.dtype()),
         "; convert with .to(tg::DType::f32)");
  return div(sub(x, mean), std);
}

}  // namespace tg::data
