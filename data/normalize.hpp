// data/normalize.hpp — standardising inputs with statistics of the training set.
//
//   tg::data::Stats s = tg::data::mean_std(train.inputs);    // Fashion-MNIST: ~0.2860, ~0.3530
//   train.inputs = tg::data::normalize(train.inputs, s.mean, s.std);
//   test.inputs  = tg::data::normalize(test.inputs, s.mean, s.std);  // the *training* statistics
//
// One mean and std over every element (torchvision's Normalize with one
// channel); compute them on the training split only, then apply them to every
// split, so the test set leaks nothing into training.
#pragma once

#include "tensor/tensor.hpp"

namespace tg::data {

/// One mean and standard deviation over every element (mean_std's result).
struct Stats {
  double mean = 0;  ///< mean of all elements
  double std = 0;   ///< population standard deviation (divide by n)
};

/// The mean and the population standard deviation (divide by n, as NumPy's
/// default) of all elements of x (f32 or f64), accumulated in f64.
/// Throws tg::Error for an i64 or empty x.
Stats mean_std(const Tensor& x);

/// (x - mean) / std elementwise, in x's dtype (f32 or f64).
/// Throws tg::Error for std <= 0 (or NaN) and an i64 x.
Tensor normalize(const Tensor& x, double mean, double std);

}  // namespace tg::data
