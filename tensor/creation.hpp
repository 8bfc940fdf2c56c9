// tensor/creation.hpp — making new tensors: constants, ranges, literals.
//
//   tg::zeros({2, 3});                       // f32 zeros
//   tg::full({4}, 2.5, tg::DType::f64);
//   tg::arange(0, 1, 0.25);                  // [0, 0.25, 0.5, 0.75]
//   tg::tensor({{1, 2}, {3, 4}});            // 2x2 f32 from a literal
//   tg::from_vector(std::vector<double>{1, 2, 3, 4}, {2, 2});  // dtype from T
//
// Random tensors live in tensor/random.hpp.
#pragma once

#include <initializer_list>
#include <vector>

#include "tensor/tensor.hpp"

namespace tg {

/// Uninitialised contiguous tensor (Tensor::empty).
/// Every constructor here throws tg::Error on a negative extent.
Tensor empty(const Shape& shape, DType dtype = DType::f32);
/// A contiguous tensor of `shape` filled with 0.
Tensor zeros(const Shape& shape, DType dtype = DType::f32);
/// A contiguous tensor of `shape` filled with 1.
Tensor ones(const Shape& shape, DType dtype = DType::f32);
/// A contiguous tensor of `shape` filled with `value` (cast to `dtype`).
Tensor full(const Shape& shape, double value, DType dtype = DType::f32);
/// A 0-d tensor holding `value`.
Tensor scalar(double value, DType dtype = DType::f32);
/// Same shape and dtype as `like`.
Tensor zeros_like(const Tensor& like);
/// Ones with the shape and dtype of `like`.
Tensor ones_like(const Tensor& like);
/// `value` with the shape and dtype of `like`.
Tensor full_like(const Tensor& like, double value);
/// The n x n identity matrix.
Tensor eye(std::int64_t n, DType dtype = DType::f32);

/// [0, 1, ..., n-1]; i64 by default, like NumPy/PyTorch integer ranges.
/// @throws tg::Error if n < 0.
Tensor arange(std::int64_t n, DType dtype = DType::i64);
/// start, start+step, ... < stop (step may be negative; step 0 is an error).
/// The count is max(0, ceil((stop - start) / step)), as in NumPy; element i is
/// start + i*step. @throws tg::Error if step is 0 or any argument is not finite.
Tensor arange(double start, double stop, double step = 1.0, DType dtype = DType::f32);
/// `n` evenly spaced values from start to stop inclusive (n == 1 gives [start]).
/// @throws tg::Error if n < 0.
Tensor linspace(double start, double stop, std::int64_t n, DType dtype = DType::f32);

/// Copies `values` into a new tensor of `shape` (default: 1-d); the dtype
/// follows T (float, double, int64_t). One extent may be -1 (inferred).
/// @throws tg::Error if the element count does not match `shape`.
template <class T>
Tensor from_vector(const std::vector<T>& values, Shape shape = {-1});

/// Literals: 1-d, 2-d and 3-d nested initializer lists (rows must agree).
/// This one: a 1-d tensor of shape [n].
Tensor tensor(std::initializer_list<double> values, DType dtype = DType::f32);
/// A 2-d literal: shape [rows, cols]. @throws tg::Error on ragged rows.
Tensor tensor(std::initializer_list<std::initializer_list<double>> rows,
              DType dtype = DType::f32);
/// A 3-d literal: shape [planes, rows, cols]. @throws tg::Error on ragged planes or rows.
Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<double>>> planes,
              DType dtype = DType::f32);

}  // namespace tg
