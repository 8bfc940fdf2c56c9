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
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);        // integer division truncates; /0 throws for i64
Tensor pow(const Tensor& a, const Tensor& b);        // a^b (floating dtypes)
Tensor maximum(const Tensor& a, const Tensor& b);    // NaN propagates
Tensor minimum(const Tensor& a, const Tensor& b);    // NaN propagates

Tensor add(const Tensor& a, double b);
Tensor sub(const Tensor& a, double b);
Tensor mul(const Tensor& a, double b);
Tensor div(const Tensor& a, double b);
Tensor pow(const Tensor& a, double exponent);

// --- comparisons (0/1 in the operands' dtype) -----------------------------
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, double b);
Tensor lt(const Tensor& a, double b);

// --- unary -------------------------------------------------------------------
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);       // floating dtypes
Tensor log(const Tensor& x);       // floating; log(0) = -inf, log(<0) = NaN (as IEEE)
Tensor sqrt(const Tensor& x);      // floating
Tensor abs(const Tensor& x);
Tensor sign(const Tensor& x);      // -1, 0, +1 (sign(0) = 0)
Tensor tanh(const Tensor& x);      // floating
Tensor sigmoid(const Tensor& x);   // 1 / (1 + e^-x), floating, stable for |x| large
Tensor relu(const Tensor& x);      // max(x, 0); relu(NaN) = NaN
Tensor square(const Tensor& x);    // x * x
/// min(max(x, lo), hi); requires lo <= hi.
Tensor clamp(const Tensor& x, double lo, double hi);

// --- ternary -------------------------------------------------------------
/// cond ? a : b, all three broadcast together; cond of any dtype (non-zero = true);
/// a and b must share a dtype.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

// --- in place (write into `out`, which must have the broadcast shape) -------
/// out += alpha * b (b broadcasts to out). Used by optimizers and gradient accumulation.
void add_(Tensor& out, const Tensor& b, double alpha = 1.0);
/// out *= s.
void mul_(Tensor& out, double s);

// --- operators ---------------------------------------------------------------
inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator-(const Tensor& x) { return neg(x); }
inline Tensor operator+(const Tensor& a, double b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, double b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, double b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, double b) { return div(a, b); }
inline Tensor operator+(double a, const Tensor& b) { return add(b, a); }
inline Tensor operator*(double a, const Tensor& b) { return mul(b, a); }
Tensor operator-(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);

}  // namespace tg
