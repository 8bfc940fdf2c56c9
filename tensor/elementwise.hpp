// tensor/elementwise.hpp — element-by-element math with NumPy broadcasting.
//
// Binary ops broadcast their operands (tensor/shape.hpp, broadcast_shapes)
// and require equal dtypes: mixing f32 and f64 is an error naming the op,
// both dtypes and shapes (convert with .to()). A scalar (double) operand
// takes the tensor's dtype. Results are new contiguous tensors.
//
// Comparisons and `sign` return the operands' dtype holding 0 or 1 (-1/0/1),
// so a mask can multiply a tensor directly; `where` treats non-zero as true.
//
// Kernels: contiguous inputs run xsimd loops (tensor/simd_kernels.hpp), each
// with a scalar twin that tests compare against; large tensors are split over
// the OpenMP pool (tensor/parallel.hpp).
#pragma once

#include "tensor/tensor.hpp"

namespace tg {

// --- binary, broadcasting --------------------------------------------------
// Shape contract for every binary op: out.shape = broadcast_shapes(a, b);
// a and b must share a dtype, which out takes. Throws tg::Error on an
// undefined operand, differing dtypes, or shapes that do not broadcast.

/// a + b. out.shape = broadcast_shapes(a.shape(), b.shape()); a and b share
/// a dtype, which out takes (the contract of every binary op here).
/// @throws tg::Error on an undefined operand, differing dtypes, or shapes
///         that do not broadcast.
Tensor add(const Tensor& a, const Tensor& b);
/// a - b, broadcast.
Tensor sub(const Tensor& a, const Tensor& b);
/// a * b, broadcast.
Tensor mul(const Tensor& a, const Tensor& b);
/// a / b, broadcast. Integer (i64) division truncates toward zero and throws
/// tg::Error if any divisor is 0; floats follow IEEE (inf/NaN).
Tensor div(const Tensor& a, const Tensor& b);
/// a^b, broadcast; floating dtypes only (tg::Error for i64).
Tensor pow(const Tensor& a, const Tensor& b);
/// max(a, b), broadcast; NaN if either is NaN.
Tensor maximum(const Tensor& a, const Tensor& b);
/// min(a, b), broadcast; NaN if either is NaN.
Tensor minimum(const Tensor& a, const Tensor& b);

/// a + b with b cast to a's dtype; out has a's shape.
Tensor add(const Tensor& a, double b);
/// a - b with b cast to a's dtype.
Tensor sub(const Tensor& a, double b);
/// a * b with b cast to a's dtype.
Tensor mul(const Tensor& a, double b);
/// a / b with b cast to a's dtype (i64: b == 0 throws tg::Error).
Tensor div(const Tensor& a, double b);
/// a^exponent; floating dtypes only. exponent 2 runs square(a) (same result).
Tensor pow(const Tensor& a, double exponent);

// --- comparisons (0/1 in the operands' dtype) -----------------------------
// Same contract as the binary ops; NaN compares false (ne: true).

/// 1 where a == b, else 0 (broadcast, in the operands' dtype).
Tensor eq(const Tensor& a, const Tensor& b);
/// 1 where a != b, else 0.
Tensor ne(const Tensor& a, const Tensor& b);
/// 1 where a < b, else 0.
Tensor lt(const Tensor& a, const Tensor& b);
/// 1 where a <= b, else 0.
Tensor le(const Tensor& a, const Tensor& b);
/// 1 where a > b, else 0.
Tensor gt(const Tensor& a, const Tensor& b);
/// 1 where a >= b, else 0.
Tensor ge(const Tensor& a, const Tensor& b);
/// 1 where a > b (b cast to a's dtype), else 0.
Tensor gt(const Tensor& a, double b);
/// 1 where a < b (b cast to a's dtype), else 0.
Tensor lt(const Tensor& a, double b);

// --- unary -------------------------------------------------------------------
// Every unary op returns a new contiguous tensor of x's shape and dtype and
// throws tg::Error on an undefined x; "floating" ones also reject i64.

/// -x.
Tensor neg(const Tensor& x);
/// e^x; floating dtypes.
Tensor exp(const Tensor& x);
/// ln x; floating; log(0) = -inf, log(<0) = NaN (as IEEE).
Tensor log(const Tensor& x);
/// sqrt(x); floating (sqrt(<0) = NaN).
Tensor sqrt(const Tensor& x);
/// |x|.
Tensor abs(const Tensor& x);
/// -1, 0, +1 (sign(0) = 0, sign(NaN) = NaN).
Tensor sign(const Tensor& x);
/// tanh(x); floating.
Tensor tanh(const Tensor& x);
/// 1 / (1 + e^-x); floating, stable for large |x| (computed from e^-|x|).
Tensor sigmoid(const Tensor& x);
/// max(x, 0); relu(NaN) = NaN.
Tensor relu(const Tensor& x);
/// x * x.
Tensor square(const Tensor& x);
/// min(max(x, lo), hi), with lo and hi cast to x's dtype.
/// @throws tg::Error if lo > hi.
Tensor clamp(const Tensor& x, double lo, double hi);

// --- ternary -------------------------------------------------------------
/// cond ? a : b, all three broadcast together; cond of any dtype (non-zero = true);
/// a and b must share a dtype, which out takes.
/// @throws tg::Error on differing a/b dtypes or shapes that do not broadcast.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

// --- in place (write into `out`, which must have the broadcast shape) -------
/// out += alpha * b (b broadcasts to out). Used by optimizers and gradient accumulation.
/// Bumps out's storage version.
/// @throws tg::Error if dtypes differ, b does not broadcast to out.shape(), or
///         out is an expanded view (several elements on one memory location).
void add_(Tensor& out, const Tensor& b, double alpha = 1.0);
/// out *= s (s cast to out's dtype). Bumps out's storage version.
/// @throws tg::Error if out is an expanded view.
void mul_(Tensor& out, double s);

// --- operators ---------------------------------------------------------------
/// add(a, b).
inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
/// sub(a, b).
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
/// mul(a, b).
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
/// div(a, b).
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
/// neg(x).
inline Tensor operator-(const Tensor& x) { return neg(x); }
/// add(a, b) with a scalar.
inline Tensor operator+(const Tensor& a, double b) { return add(a, b); }
/// sub(a, b) with a scalar.
inline Tensor operator-(const Tensor& a, double b) { return sub(a, b); }
/// mul(a, b) with a scalar.
inline Tensor operator*(const Tensor& a, double b) { return mul(a, b); }
/// div(a, b) with a scalar.
inline Tensor operator/(const Tensor& a, double b) { return div(a, b); }
/// a + b = add(b, a).
inline Tensor operator+(double a, const Tensor& b) { return add(b, a); }
/// a * b = mul(b, a).
inline Tensor operator*(double a, const Tensor& b) { return mul(b, a); }
/// a - b, with a cast to b's dtype.
Tensor operator-(double a, const Tensor& b);
/// a / b, with a cast to b's dtype (i64: a zero in b throws tg::Error).
Tensor operator/(double a, const Tensor& b);

}  // namespace tg
