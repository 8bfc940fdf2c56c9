#include "tensor/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "tensor/parallel.hpp"
#include "tensor/reduce_kernels.hpp"
#include "tensor/softmax_kernels.hpp"

namespace tg {

namespace {

using kernels::kColumnChunk;
using kernels::Max;
using kernels::Sum;

/// Elements a task should own before it is worth a thread.
constexpr std::int64_t kGrain = 16384;

// Note [softmax layout]
// Made contiguous, x is an [outer, n, inner] array with n = x.shape[axis].
// For the usual last axis, inner = 1 and each row is n contiguous values:
// one SIMD max, one SIMD exp and one pairwise sum (the deterministic tree of
// tg::sum, Note [deterministic sums]). For any other axis we work on strips
// of up to kColumnChunk columns and reduce down the columns with the column
// kernels of tg::sum, so no transpose is ever copied.
struct Layout {
  std::int64_t outer = 1, n = 1, inner = 1;
};

Layout layout_of(const Shape& shape, std::int64_t axis) {
  Layout l;
  for (std::int64_t a = 0; a < static_cast<std::int64_t>(shape.size()); ++a)
    (a < axis ? l.outer : a == axis ? l.n : l.inner) *= shape[a];
  return l;
}

/// Calls fn(start) for the offset of each row of n values (inner == 1).
template <class Fn> void for_each_row(const Layout& l, Fn&& fn) {
  parallel_for(l.outer, std::max<std::int64_t>(1, kGrain / std::max<std::int64_t>(l.n, 1)),
               [&](std::int64_t begin, std::int64_t end) {
                 for (std::int64_t o = begin; o < end; ++o) fn(o * l.n);
               });
}

/// Calls fn(start, w) for each strip of w <= kColumnChunk columns: the [n, w]
/// block at offset `start` whose rows lie `inner` apart.
template <class Fn> void for_each_strip(const Layout& l, Fn&& fn) {
  const std::int64_t strips = (l.inner + kColumnChunk - 1) / kColumnChunk;
  const std::int64_t work = std::max<std::int64_t>(1, l.n * std::min(l.inner, kColumnChunk));
  parallel_for(l.outer * strips, std::max<std::int64_t>(1, kGrain / work),
               [&](std::int64_t begin, std::int64_t end) {
                 for (std::int64_t task = begin; task < end; ++task) {
                   const std::int64_t o = task / strips, j0 = (task % strips) * kColumnChunk;
                   fn(o * l.n * l.inner + j0, std::min(kColumnChunk, l.inner - j0));
                 }
               });
}

// --- the shared first step: the maximum m and s = sum exp(x - m) ------------

/// For one contiguous row: returns {m, s} and writes exp(x_i - m) to e.
template <class T> struct RowStats {
  T max, sum;
};

template <class T> RowStats<T> exp_row(const T* x, T* e, std::int64_t n) {
  const T m = kernels::reduce_row<T, Max>(x, n);
  kernels::exp_shifted_simd<T>(x, e, n, m);
  return {m, kernels::reduce_row<T, Sum>(e, n)};
}

/// For the w columns of an [n, w] strip (rows `stride` apart, in x and e):
/// m[j], s[j], and e = exp(x - m[j]).
template <class T>
void exp_columns(const T* x, T* e, std::int64_t n, std::int64_t stride, std::int64_t w, T* m,
                 T* s) {
  kernels::reduce_columns<T, Max>(x, n, stride, w, m);
  for (std::int64_t k = 0; k < n; ++k) {
    // Each row of the strip is contiguous: subtract, then the SIMD exp in place.
    T* er = e + k * stride;
    const T* xr = x + k * stride;
    for (std::int64_t j = 0; j < w; ++j) er[j] = xr[j] - m[j];
    kernels::exp_shifted_simd<T>(er, er, w, T(0));
  }
  kernels::reduce_columns<T, Sum>(e, n, stride, w, s);
}

// Note [infinite rows]
// If the maximum m is infinite, x - m is NaN where x == m. For logsumexp the
// answer is still exact: a row of -inf sums to exp(-inf) = 0 (log 0 = -inf)
// and a row with +inf sums to +inf, so logsumexp = m. Softmax and
// log_softmax of such rows are NaN, as in NumPy and PyTorch.
template <class T> T logsumexp_of(T m, T s) { return std::isinf(m) ? m : m + std::log(s); }

// --- the three ops ------------------------------------------------------------

/// softmax (log = false) or log_softmax (log = true) of contiguous x into out.
template <class T> void softmax_layout(const T* x, T* out, const Layout& l, bool log) {
  if (l.inner == 1) {
    for_each_row(l, [&](std::int64_t start) {
      const T* xr = x + start;
      T* o = out + start;
      const RowStats<T> r = exp_row(xr, o, l.n);
      if (log) {
        // (x - m) - log s, not x - logsumexp: x - m is exact for the largest terms.
        const T log_sum = std::log(r.sum);
        for (std::int64_t i = 0; i < l.n; ++i) o[i] = (xr[i] - r.max) - log_sum;
      } else {
        for (std::int64_t i = 0; i < l.n; ++i) o[i] /= r.sum;
      }
    });
    return;
  }
  for_each_strip(l, [&](std::int64_t start, std::int64_t w) {
    std::vector<T> m(static_cast<std::size_t>(w)), s(static_cast<std::size_t>(w));
    const T* xs = x + start;
    T* os = out + start;
    exp_columns(xs, os, l.n, l.inner, w, m.data(), s.data());
    if (log) for (T& sj : s) sj = std::log(sj);
    for (std::int64_t k = 0; k < l.n; ++k) {
      const std::int64_t row = k * l.inner;
      if (log) for (std::int64_t j = 0; j < w; ++j) os[row + j] = (xs[row + j] - m[j]) - s[j];
      else for (std::int64_t j = 0; j < w; ++j) os[row + j] /= s[j];
    }
  });
}

/// logsumexp of contiguous x into out ([outer, inner]); `scratch` has x's size
/// when inner > 1 (the strips of exp values), and is unused otherwise.
template <class T> void logsumexp_layout(const T* x, T* out, T* scratch, const Layout& l) {
  if (l.inner == 1) {
    const std::int64_t grain = std::max<std::int64_t>(1, kGrain / std::max<std::int64_t>(l.n, 1));
    parallel_for(l.outer, grain, [&](std::int64_t begin, std::int64_t end) {
      std::vector<T> e(static_cast<std::size_t>(l.n));
      for (std::int64_t o = begin; o < end; ++o) {
        const RowStats<T> r = exp_row(x + o * l.n, e.data(), l.n);
        out[o] = logsumexp_of(r.max, r.sum);
      }
    });
    return;
  }
  for_each_strip(l, [&](std::int64_t start, std::int64_t w) {
    std::vector<T> m(static_cast<std::size_t>(w)), s(static_cast<std::size_t>(w));
    exp_columns(x + start, scratch + start, l.n, l.inner, w, m.data(), s.data());
    // start = o * n * inner + j0 lands on output o * inner + j0.
    const std::int64_t o = start / (l.n * l.inner), j0 = start % (l.n * l.inner);
    for (std::int64_t j = 0; j < w; ++j) out[o * l.inner + j0 + j] = logsumexp_of(m[j], s[j]);
  });
}

Tensor softmax_impl(const Tensor& x, std::int64_t axis, bool log, const char* op) {
  x.check_defined(op);
  const std::int64_t a = normalize_axis(axis, x.dim(), op);
  if (x.dim() == 0) return softmax_impl(x.reshape({1}), 0, log, op).reshape({});
  return dispatch_floating(x.dtype(), op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const Tensor src = x.contiguous();
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    softmax_layout<T>(src.data<T>(), out.data<T>(), layout_of(x.shape(), a), log);
    return out;
  });
}

}  // namespace

Tensor softmax(const Tensor& x, std::int64_t axis) {
  return softmax_impl(x, axis, false, "softmax");
}

Tensor log_softmax(const Tensor& x, std::int64_t axis) {
  return softmax_impl(x, axis, true, "log_softmax");
}

Tensor logsumexp(const Tensor& x, std::int64_t axis, bool keepdim) {
  x.check_defined("logsumexp");
  const std::int64_t a = normalize_axis(axis, x.dim(), "logsumexp");
  if (x.dim() == 0) return logsumexp(x.reshape({1}), 0, false);
  return dispatch_floating(x.dtype(), "logsumexp", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const Tensor src = x.contiguous();
    const Layout l = layout_of(x.shape(), a);
    Tensor out = Tensor::empty(reduced_shape(x.shape(), {a}, keepdim), x.dtype());
    Tensor scratch = Tensor::empty(l.inner > 1 ? x.shape() : Shape{0}, x.dtype());
    // An empty row has logsumexp log(0) = -inf: the sum of no exponentials.
    logsumexp_layout<T>(src.data<T>(), out.data<T>(), scratch.data<T>(), l);
    return out;
  });
}

}  // namespace tg
