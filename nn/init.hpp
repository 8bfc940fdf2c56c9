// nn/init.hpp — initial values for parameters (torch.nn.init).
//
// Every function fills a tensor in place and returns it. A Tensor is a
// handle, so passing `layer.weight().value()` writes into the layer's
// parameter; the write goes through copy_/fill_, which bump the storage
// version, so a graph that saved the old value refuses to backpropagate
// through the new one (see autodiff/engine.hpp). Random initializers draw
// from the Generator you pass, so a seed fixes the model:
//
//   tg::Generator gen(0);
//   tg::nn::init::kaiming_normal_(w, gen, {.mode = tg::nn::init::FanMode::fan_out,
//                                          .nonlinearity = tg::nn::init::Nonlinearity::relu});
//   tg::nn::init::zeros_(b);
//
// Fans (calculate_fan_in_and_fan_out): a tensor [out, in, k1, k2, ...] has
//   fan_in  = in  * k1 * k2 * ...     fan_out = out * k1 * k2 * ...
// Linear weights are [out, in]; Conv2d weights are [out, in, kh, kw].
//
// Errors (tg::Error): an undefined or integer tensor; fans of a tensor with
// fewer than 2 dimensions; uniform bounds with low > high; a negative std.
// A tensor with no elements is left as it is (as in PyTorch).
//
// References: He et al., "Delving Deep into Rectifiers" (2015) for Kaiming;
// Glorot & Bengio, "Understanding the difficulty of training deep
// feedforward neural networks" (2010) for Xavier; Saxe et al., "Exact
// solutions to the nonlinear dynamics of learning in deep linear neural
// networks" (2013) for orthogonal.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "tensor/random.hpp"
#include "tensor/tensor.hpp"

/// Initial values for parameters (torch.nn.init): each function fills a
/// floating tensor in place and returns it.
namespace tg::nn::init {

/// The nonlinearity that follows a layer, for calculate_gain.
enum class Nonlinearity { linear, sigmoid, tanh, relu, leaky_relu };

/// The factor by which a nonlinearity shrinks the standard deviation of its
/// input, inverted (torch.nn.init.calculate_gain):
///   linear, sigmoid: 1    tanh: 5/3    relu: sqrt(2)
///   leaky_relu with negative slope a: sqrt(2 / (1 + a^2))
double calculate_gain(Nonlinearity nonlinearity, double negative_slope = 0.01);

/// (fan_in, fan_out) of a tensor with at least 2 dimensions: for
/// [out, in, k1, k2, ...], fan_in = in k1 k2 ... and fan_out = out k1 k2 ...
/// Throws tg::Error if t is undefined or has fewer than 2 dimensions.
std::pair<std::int64_t, std::int64_t> calculate_fan_in_and_fan_out(const Tensor& t);

/// Which fan Kaiming initialization preserves the variance of: fan_in keeps
/// the forward activations' scale, fan_out the backward gradients'.
enum class FanMode { fan_in, fan_out };

/// Options of kaiming_uniform_ and kaiming_normal_.
///
/// The defaults give gain sqrt(2) on fan_in, the setting of He et al. for relu.
struct KaimingOptions {
  double a = 0;  ///< negative slope of the leaky_relu that follows (0: plain relu)
  FanMode mode = FanMode::fan_in;                        ///< the fan to divide by (default fan_in)
  Nonlinearity nonlinearity = Nonlinearity::leaky_relu;  ///< for calculate_gain(nonlinearity, a)
};

/// U(-bound, bound) with bound = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).
///
/// This and the other fan-based initializers (kaiming_normal_,
/// xavier_uniform_, xavier_normal_) fill `t` in place and return it; they
/// throw tg::Error if t is undefined or not floating, or has elements and
/// fewer than 2 dimensions. An empty tensor is left as it is.
Tensor kaiming_uniform_(Tensor t, Generator& gen, const KaimingOptions& options = {});
/// N(0, std^2) with std = gain / sqrt(fan).
Tensor kaiming_normal_(Tensor t, Generator& gen, const KaimingOptions& options = {});
/// U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
Tensor xavier_uniform_(Tensor t, Generator& gen, double gain = 1.0);
/// N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
Tensor xavier_normal_(Tensor t, Generator& gen, double gain = 1.0);
/// gain * Q, where Q has orthonormal rows or columns (whichever are fewer):
/// the tensor is seen as a matrix [size(0), numel / size(0)], a matrix of
/// N(0, 1) draws is orthonormalised by Gram-Schmidt (a QR decomposition
/// whose R has a positive diagonal, so Q is Haar-distributed), and Q is
/// written back. Needs at least 2 dimensions.
Tensor orthogonal_(Tensor t, Generator& gen, double gain = 1.0);

/// U(low, high); needs low <= high.
Tensor uniform_(Tensor t, Generator& gen, double low = 0.0, double high = 1.0);
/// N(mean, std^2); needs std >= 0.
Tensor normal_(Tensor t, Generator& gen, double mean = 0.0, double std = 1.0);
/// Every element set to `value`.
Tensor constant_(Tensor t, double value);
/// Every element set to 0.
Tensor zeros_(Tensor t);
/// Every element set to 1.
Tensor ones_(Tensor t);

/// The generator a layer draws its initial values from, given the
/// `generator` and `seed` fields of its options: `*generator` if set, else a
/// fresh Generator(*seed) stored in `local`, else tg::default_generator()
/// (as PyTorch layers use the global generator; tg::manual_seed fixes it).
Generator& layer_generator(Generator* generator, std::optional<std::uint64_t> seed,
                           Generator& local);

}  // namespace tg::nn::init
