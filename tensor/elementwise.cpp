#include "tensor/elementwise.hpp"

#include "tensor/creation.hpp"
#include "tensor/iter.hpp"
#include "tensor/simd_kernels.hpp"

namespace tg {

namespace {

using namespace simd;

// Which dtypes an op accepts: every dtype, or f32/f64 only (exp, log, pow...).
enum class Domain { any, floating };

template <Domain D, class Fn>
void dispatch_for(DType dtype, const char* op, Fn&& fn) {
  if constexpr (D == Domain::floating) dispatch_floating(dtype, op, fn);
  else dispatch(dtype, op, fn);
}

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  a.check_defined(op);
  b.check_defined(op);
  if (a.dtype() != b.dtype())
    fail(op, ": dtypes differ: ", dtype_name(a.dtype()), " ", shape_str(a.shape()), " and ",
         dtype_name(b.dtype()), " ", shape_str(b.shape()), "; convert one with .to(tg::DType::",
         dtype_name(a.dtype()), ") first");
}

// Integer division by zero has no value to return (floats give inf/NaN), so
// it is reported before any work starts.
void check_no_zero_divisor(const Tensor& b) {
  if (b.dtype() != DType::i64) return;
  const std::int64_t* p = detail::storage_base<const std::int64_t>(b);
  bool zero = false;
  for_each_offset(b.shape(), b.strides(), b.offset(), [&](std::int64_t i) { zero |= p[i] == 0; });
  if (zero)
    fail("div: integer division by zero: the i64 divisor of shape ", shape_str(b.shape()),
         " contains 0; convert to a floating dtype with .to(tg::DType::f32) for IEEE inf/NaN");
}

// The plumbing every unary op shares: a fresh contiguous result of x's shape
// and dtype, filled by the functor that make_op(type_tag<T>) returns.
template <Domain D, class MakeOp>
Tensor unary_with(const char* name, const Tensor& x, MakeOp make_op) {
  x.check_defined(name);
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  dispatch_for<D>(x.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    detail::apply_unary<T, T>(make_op(tag), out, x);
  });
  return out;
}

template <class Op, Domain D = Domain::any>
Tensor unary(const char* name, const Tensor& x) {
  return unary_with<D>(name, x, [](auto) { return Op{}; });
}

// The plumbing every binary op shares: equal dtypes, NumPy broadcasting, a
// fresh contiguous result of the broadcast shape. The loop reads a repeated
// operand through stride-0 axes (tensor/iter.hpp), so nothing is expanded.
template <class Op, Domain D = Domain::any>
Tensor binary(const char* name, const Tensor& a, const Tensor& b) {
  check_same_dtype(name, a, b);
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), name);
  Tensor out = Tensor::empty(shape, a.dtype());
  dispatch_for<D>(a.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    detail::apply_binary<T>(Op{}, out, a, b);
  });
  return out;
}

// A double operand becomes a 0-d tensor of the other operand's dtype; it
// broadcasts with stride 0, which the kernels treat as a scalar fast path.
Tensor scalar_like(const Tensor& t, double value, const char* op) {
  t.check_defined(op);
  return scalar(value, t.dtype());
}

// The target of an in-place op must already have the broadcast shape, and may
// not have two elements on one memory location (an expanded view).
void check_in_place_target(const char* op, const Tensor& out, const Tensor& b) {
  const Shape joint = broadcast_shapes(out.shape(), b.shape(), op);
  if (joint != out.shape())
    fail(op, ": the operand of shape ", shape_str(b.shape()),
         " does not broadcast to the output's shape ", shape_str(out.shape()),
         " (an in-place op cannot grow its output)");
  for (std::size_t d = 0; d < out.shape().size(); ++d)
    if (out.strides()[d] == 0 && out.shape()[d] > 1)
      fail(op, ": the output of shape ", shape_str(out.shape()), " with strides ",
           shape_str(out.strides()),
           " is an expanded view (several elements share memory); write into a .clone()");
}

}  // namespace

// --- binary ------------------------------------------------------------------

Tensor add(const Tensor& a, const Tensor& b) { return binary<AddOp>("add", a, b); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary<SubOp>("sub", a, b); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary<MulOp>("mul", a, b); }
Tensor div(const Tensor& a, const Tensor& b) {
  check_same_dtype("div", a, b);
  check_no_zero_divisor(b);
  return binary<DivOp>("div", a, b);
}
Tensor pow(const Tensor& a, const Tensor& b) { return binary<PowOp, Domain::floating>("pow", a, b); }
Tensor maximum(const Tensor& a, const Tensor& b) { return binary<MaximumOp>("maximum", a, b); }
Tensor minimum(const Tensor& a, const Tensor& b) { return binary<MinimumOp>("minimum", a, b); }

Tensor add(const Tensor& a, double b) { return add(a, scalar_like(a, b, "add")); }
Tensor sub(const Tensor& a, double b) { return sub(a, scalar_like(a, b, "sub")); }
Tensor mul(const Tensor& a, double b) { return mul(a, scalar_like(a, b, "mul")); }
Tensor div(const Tensor& a, double b) { return div(a, scalar_like(a, b, "div")); }
Tensor pow(const Tensor& a, double exponent) {
  // x^2 is the common case (squared errors, norms); pow(x, 2) and x * x are
  // both correctly rounded, so the shortcut changes no result.
  if (exponent == 2.0 && a.defined() && is_floating(a.dtype())) return square(a);
  return pow(a, scalar_like(a, exponent, "pow"));
}

Tensor operator-(double a, const Tensor& b) { return sub(scalar_like(b, a, "sub"), b); }
Tensor operator/(double a, const Tensor& b) { return div(scalar_like(b, a, "div"), b); }

// --- comparisons -------------------------------------------------------------

Tensor eq(const Tensor& a, const Tensor& b) { return binary<EqOp>("eq", a, b); }
Tensor ne(const Tensor& a, const Tensor& b) { return binary<NeOp>("ne", a, b); }
Tensor lt(const Tensor& a, const Tensor& b) { return binary<LtOp>("lt", a, b); }
Tensor le(const Tensor& a, const Tensor& b) { return binary<LeOp>("le", a, b); }
Tensor gt(const Tensor& a, const Tensor& b) { return binary<GtOp>("gt", a, b); }
Tensor ge(const Tensor& a, const Tensor& b) { return binary<GeOp>("ge", a, b); }
Tensor gt(const Tensor& a, double b) { return gt(a, scalar_like(a, b, "gt")); }
Tensor lt(const Tensor& a, double b) { return lt(a, scalar_like(a, b, "lt")); }

// --- unary -------------------------------------------------------------------

Tensor neg(const Tensor& x) { return unary<NegOp>("neg", x); }
Tensor exp(const Tensor& x) { return unary<ExpOp, Domain::floating>("exp", x); }
Tensor log(const Tensor& x) { return unary<LogOp, Domain::floating>("log", x); }
Tensor sqrt(const Tensor& x) { return unary<SqrtOp, Domain::floating>("sqrt", x); }
Tensor abs(const Tensor& x) { return unary<AbsOp>("abs", x); }
Tensor sign(const Tensor& x) { return unary<SignOp>("sign", x); }
Tensor tanh(const Tensor& x) { return unary<TanhOp, Domain::floating>("tanh", x); }
Tensor sigmoid(const Tensor& x) { return unary<SigmoidOp, Domain::floating>("sigmoid", x); }
Tensor relu(const Tensor& x) { return unary<ReluOp>("relu", x); }
Tensor square(const Tensor& x) { return unary<SquareOp>("square", x); }

Tensor clamp(const Tensor& x, double lo, double hi) {
  if (lo > hi)
    fail("clamp: lo (", lo, ") is greater than hi (", hi, "); expected lo <= hi");
  return unary_with<Domain::any>("clamp", x, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return ClampOp<T>{static_cast<T>(lo), static_cast<T>(hi)};
  });
}

// --- ternary -----------------------------------------------------------------

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  cond.check_defined("where");
  check_same_dtype("where", a, b);
  const Shape ab = broadcast_shapes(a.shape(), b.shape(), "where");
  const Shape shape = broadcast_shapes(cond.shape(), ab, "where");
  Tensor out = Tensor::empty(shape, a.dtype());
  dispatch(a.dtype(), "where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    dispatch(cond.dtype(), "where", [&](auto cond_tag) {
      using C = typename decltype(cond_tag)::type;
      detail::apply_where<T, C>(out, cond, a, b);
    });
  });
  return out;
}

// --- in place ----------------------------------------------------------------

void add_(Tensor& out, const Tensor& b, double alpha) {
  check_same_dtype("add_", out, b);
  check_in_place_target("add_", out, b);
  Tensor src = b.expand(out.shape());
  // Reading a different view of the memory we write would see half-updated
  // values; an identical view is safe (each element is read, then written).
  if (src.shares_storage(out) && (src.offset() != out.offset() || src.strides() != out.strides()))
    src = src.clone();
  dispatch(out.dtype(), "add_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (alpha == 1.0) detail::apply_binary<T>(AddOp{}, out, out, src);
    else detail::apply_binary<T>(AxpyOp<T>{static_cast<T>(alpha)}, out, out, src);
  });
  out.storage()->bump_version();
}

void mul_(Tensor& out, double s) {
  const Tensor factor = scalar_like(out, s, "mul_");
  check_in_place_target("mul_", out, factor);
  dispatch(out.dtype(), "mul_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    detail::apply_binary<T>(MulOp{}, out, out, factor.expand(out.shape()));
  });
  out.storage()->bump_version();
}

}  // namespace tg
