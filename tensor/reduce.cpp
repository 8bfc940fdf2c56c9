#include "tensor/reduce.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/parallel.hpp"
#include "tensor/reduce_kernels.hpp"

namespace tg {

namespace {

using kernels::Max;
using kernels::Min;
using kernels::Sum;
using kernels::kColumnChunk;

/// Elements a task should own before it is worth a thread.
constexpr std::int64_t kGrain = 32768;

// Note [reduction layout]
// A contiguous tensor whose reduced axes are adjacent, axes first..last, is
// a row-major [outer, r, inner] array: outer = the product of the extents
// before `first`, r = those of first..last, inner = those after `last`.
// inner == 1 means each output reduces one contiguous row of r values
// (sum over the last axis); inner > 1 means it reduces a column of r values
// spaced `inner` apart, e.g. the axis-0 sum of an [N, F] batch of bias
// gradients. We handle that case by adding whole rows into a strip of
// partial results (which vectorises), not by transposing the tensor.
// Reduced axes that are not adjacent (axes {0, 2} of [N, C, L]) are reduced
// one adjacent run at a time, last run first.
struct Layout {
  std::int64_t outer = 1, r = 1, inner = 1;
};

Layout layout_of(const Shape& shape, std::int64_t first, std::int64_t last) {
  Layout l;
  for (std::int64_t a = 0; a < static_cast<std::int64_t>(shape.size()); ++a)
    (a < first ? l.outer : a <= last ? l.r : l.inner) *= shape[a];
  return l;
}

/// Splits sorted, distinct axes into maximal runs of adjacent axes:
/// {0, 1, 3} -> {[0, 1], [3, 3]}.
std::vector<std::pair<std::int64_t, std::int64_t>> adjacent_runs(const Axes& axes) {
  std::vector<std::pair<std::int64_t, std::int64_t>> runs;
  for (std::int64_t a : axes) {
    if (!runs.empty() && runs.back().second + 1 == a) runs.back().second = a;
    else runs.emplace_back(a, a);
  }
  return runs;
}

// --- one pass: reduce the adjacent axes first..last ---------------------------

/// Reduces a contiguous [outer, r, inner] array `in` into [outer, inner] `out`.
template <class T, template <class> class Op>
void reduce_layout(const T* in, const Layout& l, T* out) {
  if (l.inner == 1) {
    const std::int64_t grain = std::max<std::int64_t>(1, kGrain / std::max<std::int64_t>(l.r, 1));
    parallel_for(l.outer, grain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t o = begin; o < end; ++o)
        out[o] = kernels::reduce_row<T, Op>(in + o * l.r, l.r);
    });
    return;
  }
  // One task per (outer index, strip of columns); each column's tree is the
  // same whatever the strip width, so the chunking cannot change the result.
  const std::int64_t strips = (l.inner + kColumnChunk - 1) / kColumnChunk;
  const std::int64_t work = std::max<std::int64_t>(1, l.r * std::min(l.inner, kColumnChunk));
  parallel_for(l.outer * strips, std::max<std::int64_t>(1, kGrain / work),
               [&](std::int64_t begin, std::int64_t end) {
                 for (std::int64_t task = begin; task < end; ++task) {
                   const std::int64_t o = task / strips, j0 = (task % strips) * kColumnChunk;
                   const std::int64_t w = std::min(kColumnChunk, l.inner - j0);
                   kernels::reduce_columns<T, Op>(in + o * l.r * l.inner + j0, l.r, l.inner, w,
                                                  out + o * l.inner + j0);
                 }
               });
}

/// Reduces axes first..last of a contiguous tensor; they stay as size 1.
template <class T, template <class> class Op>
Tensor reduce_run(const Tensor& x, std::int64_t first, std::int64_t last) {
  Shape out_shape = x.shape();
  for (std::int64_t a = first; a <= last; ++a) out_shape[a] = 1;
  Tensor out = Tensor::empty(out_shape, x.dtype());
  reduce_layout<T, Op>(x.data<T>(), layout_of(x.shape(), first, last), out.data<T>());
  return out;
}

/// The shared body of sum/max/min: `axes` are normalised (sorted, distinct).
template <class T, template <class> class Op>
Tensor reduce_axes(const Tensor& x, const Axes& axes, bool keepdim) {
  const auto runs = adjacent_runs(axes);
  if (runs.empty()) return x.clone();  // a 0-d tensor: nothing to reduce
  Tensor cur = x.contiguous();
  for (auto run = runs.rbegin(); run != runs.rend(); ++run)
    cur = reduce_run<T, Op>(cur, run->first, run->second);
  return cur.view(reduced_shape(x.shape(), axes, keepdim));
}

/// max/min/argmax have no identity, so an empty reduced axis is an error.
void check_nonempty(const Tensor& x, const Axes& axes, const char* op) {
  for (std::int64_t a : axes)
    if (x.shape()[a] == 0)
      fail(op, ": cannot reduce an empty axis ", a, " of shape ", shape_str(x.shape()),
           " (no identity)");
}

template <template <class> class Op>
Tensor extremum(const Tensor& x, const Axes& axes, bool keepdim, const char* op) {
  x.check_defined(op);
  const Axes ax = normalize_axes(axes, x.dim(), op);
  check_nonempty(x, ax, op);
  return dispatch(x.dtype(), op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return reduce_axes<T, Op>(x, ax, keepdim);
  });
}

// --- norm ----------------------------------------------------------------------

/// |x|^p elementwise into a new contiguous tensor (|x| for p = 1 and p = inf).
template <class T> Tensor abs_pow(const Tensor& x, double p) {
  const Tensor src = x.contiguous();
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  const T* in = src.data<T>();
  T* o = out.data<T>();
  auto map = [&](auto f) {
    parallel_for(x.numel(), kGrain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) o[i] = f(std::abs(in[i]));
    });
  };
  const T pt = static_cast<T>(p);
  if (p == 2) map([](T a) { return a * a; });
  else if (p == 1 || std::isinf(p)) map([](T a) { return a; });
  else map([pt](T a) { return std::pow(a, pt); });
  return out;
}

// --- argmax / argmin -------------------------------------------------------------

// Note [argmax and NaN]
// A candidate replaces the best so far when it is strictly better (so ties
// keep the first index) or when it is the first NaN; nothing replaces a NaN.
// So argmax([1, NaN, 3, NaN]) = 1, as in NumPy. Along a contiguous row the
// same answer is "the first index holding max(row)", with the SIMD max.
template <class T, template <class> class Op> bool replaces(T candidate, T best) {
  if (kernels::is_nan(best)) return false;
  return Op<T>::better(candidate, best) || kernels::is_nan(candidate);
}

template <class T> std::int64_t first_index_of(const T* row, T value) {
  std::int64_t k = 0;
  if (kernels::is_nan(value))
    while (!kernels::is_nan(row[k])) ++k;
  else
    while (row[k] != value) ++k;
  return k;
}

/// Index along r of the best element (Op = Max or Min) of each column of
/// [outer, r, inner]; r > 0.
template <class T, template <class> class Op>
void arg_layout(const T* in, const Layout& l, std::int64_t* out) {
  const std::int64_t grain =
      std::max<std::int64_t>(1, kGrain / std::max<std::int64_t>(1, l.r * l.inner));
  if (l.inner == 1) {
    parallel_for(l.outer, grain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t o = begin; o < end; ++o) {
        const T* row = in + o * l.r;
        out[o] = first_index_of(row, kernels::reduce_row<T, Op>(row, l.r));
      }
    });
    return;
  }
  parallel_for(l.outer, grain, [&](std::int64_t begin, std::int64_t end) {
    std::vector<T> best(static_cast<std::size_t>(l.inner));
    for (std::int64_t o = begin; o < end; ++o) {
      const T* block = in + o * l.r * l.inner;
      std::int64_t* index = out + o * l.inner;
      std::copy(block, block + l.inner, best.begin());
      std::fill(index, index + l.inner, 0);
      for (std::int64_t k = 1; k < l.r; ++k) {
        const T* row = block + k * l.inner;
        for (std::int64_t j = 0; j < l.inner; ++j)
          if (replaces<T, Op>(row[j], best[j])) {
            best[j] = row[j];
            index[j] = k;
          }
      }
    }
  });
}

template <template <class> class Op>
Tensor arg_extremum(const Tensor& x, std::int64_t axis, bool keepdim, const char* op) {
  x.check_defined(op);
  const std::int64_t a = normalize_axis(axis, x.dim(), op);
  if (x.dim() == 0) return scalar(0, DType::i64);  // the only element is the best
  check_nonempty(x, {a}, op);
  Tensor out = Tensor::empty(reduced_shape(x.shape(), {a}, keepdim), DType::i64);
  dispatch(x.dtype(), op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const Tensor src = x.contiguous();
    arg_layout<T, Op>(src.data<T>(), layout_of(x.shape(), a, a), out.data<std::int64_t>());
  });
  return out;
}

}  // namespace

Tensor sum(const Tensor& x, const Axes& axes, bool keepdim) {
  x.check_defined("sum");
  const Axes ax = normalize_axes(axes, x.dim(), "sum");
  return dispatch(x.dtype(), "sum", [&](auto tag) {
    using T = typename decltype(tag)::type;
    return reduce_axes<T, Sum>(x, ax, keepdim);
  });
}

Tensor mean(const Tensor& x, const Axes& axes, bool keepdim) {
  x.check_defined("mean");
  const Axes ax = normalize_axes(axes, x.dim(), "mean");
  std::int64_t count = 1;
  for (std::int64_t a : ax) count *= x.shape()[a];
  return dispatch_floating(x.dtype(), "mean", [&](auto tag) {
    using T = typename decltype(tag)::type;
    Tensor out = reduce_axes<T, Sum>(x, ax, keepdim);
    T* d = out.data<T>();
    // count == 0 gives 0 / 0 = NaN, the mean of nothing (as NumPy).
    for (std::int64_t i = 0; i < out.numel(); ++i) d[i] /= static_cast<T>(count);
    return out;
  });
}

Tensor max(const Tensor& x, const Axes& axes, bool keepdim) {
  return extremum<Max>(x, axes, keepdim, "max");
}

Tensor min(const Tensor& x, const Axes& axes, bool keepdim) {
  return extremum<Min>(x, axes, keepdim, "min");
}


Tensor norm(const Tensor& x, double p, const Axes& axes, bool keepdim) {
  x.check_defined("norm");
  if (!(p >= 1)) fail("norm: p must be >= 1 or inf, got ", p);
  const Axes ax = normalize_axes(axes, x.dim(), "norm");
  return dispatch_floating(x.dtype(), "norm", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const Tensor powered = abs_pow<T>(x, p);
    if (std::isinf(p)) {
      // max |x|; the norm of nothing is 0, so an empty axis is no error here.
      for (std::int64_t a : ax)
        if (x.shape()[a] == 0) return zeros(reduced_shape(x.shape(), ax, keepdim), x.dtype());
      return reduce_axes<T, Max>(powered, ax, keepdim);
    }
    Tensor out = reduce_axes<T, Sum>(powered, ax, keepdim);
    T* d = out.data<T>();
    if (p == 2) for (std::int64_t i = 0; i < out.numel(); ++i) d[i] = std::sqrt(d[i]);
    else if (p != 1)
      for (std::int64_t i = 0; i < out.numel(); ++i) d[i] = std::pow(d[i], static_cast<T>(1 / p));
    return out;
  });
}

Tensor argmax(const Tensor& x, std::int64_t axis, bool keepdim) {
  return arg_extremum<Max>(x, axis, keepdim, "argmax");
}

Tensor argmax(const Tensor& x) {
  x.check_defined("argmax");
  check_nonempty(x, normalize_axes({}, x.dim(), "argmax"), "argmax");
  return arg_extremum<Max>(x.reshape({-1}), 0, false, "argmax");
}

Tensor argmin(const Tensor& x, std::int64_t axis, bool keepdim) {
  return arg_extremum<Min>(x, axis, keepdim, "argmin");
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  x.check_defined("sum_to");
  auto mismatch = [&](const auto&... why) {
    fail("sum_to: shape ", shape_str(shape), " does not broadcast to ", shape_str(x.shape()), " (",
         why..., "); sum_to only undoes a broadcast");
  };
  const std::int64_t lead = x.dim() - static_cast<std::int64_t>(shape.size());
  if (lead < 0) mismatch("it has more dimensions");
  // Sum the leading axes broadcasting added, and the axes it stretched from 1.
  Axes axes;
  for (std::int64_t a = 0; a < lead; ++a) axes.push_back(a);
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const std::int64_t a = lead + static_cast<std::int64_t>(i);
    if (shape[i] == x.shape()[a]) continue;
    if (shape[i] != 1) mismatch("dimension ", i, ": ", shape[i], " vs ", x.shape()[a]);
    axes.push_back(a);
  }
  if (axes.empty()) return x;  // nothing was broadcast
  return sum(x, axes, true).view(shape);
}

}  // namespace tg
