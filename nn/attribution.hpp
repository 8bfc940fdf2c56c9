// nn/attribution.hpp — which loss term is behind each parameter's gradient?
//
// When a loss is a sum of terms (data + L2 + gradient penalty + ...), the
// gradient of every parameter is the sum of the terms' gradients. This
// splits it back: for each parameter p and term t it computes g_t = dt/dp
// (each term differentiated alone) and reports
//
//   |g_t|          the L2 norm of that term's gradient,
//   |g|            the norm of the total gradient g = sum_t g_t,
//   share_t        <g_t, g> / |g|^2, the fraction of g that lies along g_t
//                  (the projection of g_t on g, in units of g).
//
// The shares of a parameter sum to exactly 1 (sum_t <g_t, g> = <g, g>); a
// share can be negative (the term pulls against the total) or above 1 (other
// terms cancel part of it). A term that does not depend on a parameter
// contributes g_t = 0 and share 0. When the total gradient is exactly 0,
// every share is reported as 0. The same numbers are also given over all
// parameters together (the "all" row, as if they were one vector).
//
//   auto data = tg::nn::cross_entropy(logits, y);
//   auto reg = tg::nn::l2(tg::nn::weights_only(model), 1e-4);
//   auto report = tg::nn::attribute_gradients({{"data", data}, {"l2", reg}},
//                                             model.named_parameters());
//   std::cout << report.to_string();
//
//   parameter        |grad|       data |g|  share     l2 |g|   share
//   fc1.weight       3.162e-01    3.161e-01  0.999     8.0e-03  0.001
//   ...
//
// Each term costs one backward pass (retain_graph keeps the shared forward
// graph alive); the terms' graphs are left intact, so the caller can still
// call backward() on the total loss afterwards. Nothing is written to any
// .grad().
#pragma once

#include <string>
#include <vector>

#include "autodiff/var.hpp"
#include "nn/parameter.hpp"

namespace tg::nn {

/// One named term of a loss: a scalar (one-element) Var.
struct LossTerm {
  std::string name;  ///< the term's column name in the report; unique among the terms
  Var value;         ///< the term, one element (any shape of numel 1)
};

/// The numbers for one parameter (or for all of them, in GradientAttribution::all).
struct ParameterAttribution {
  std::string name;                 ///< the parameter's name, or "all"
  double total_norm = 0;            ///< |sum_t g_t|
  std::vector<double> term_norms;   ///< |g_t|, in the order of the terms
  std::vector<double> shares;       ///< `<g_t, g> / |g|^2`, summing to 1 (or all 0 when g = 0)
};

/// What attribute_gradients returns: for every parameter, and for all of
/// them together, the norm of each term's gradient and its share of the total.
struct GradientAttribution {
  std::vector<std::string> terms;             ///< term names, in the order given
  std::vector<ParameterAttribution> parameters;  ///< in the order given
  ParameterAttribution all;                   ///< every parameter as one vector, name "all"
  /// A fixed-width table, one row per parameter and a final "all" row.
  std::string to_string() const;
};

/// Differentiates every term alone with respect to every parameter.
///
/// For parameter p and term t: g_t = dt/dp, g = sum_t g_t, and
/// share_t = `<g_t, g> / |g|^2` (0 when g = 0). A term that does not require a
/// gradient contributes g_t = 0. Each term costs one backward pass with
/// retain_graph, so the graphs stay usable; nothing is written to any grad().
/// Throws if there are no terms, a term is undefined or not a one-element
/// Var, two terms share a name, or a parameter is undefined or does not
/// require a gradient (naming it).
GradientAttribution attribute_gradients(const std::vector<LossTerm>& terms,
                                        const ParameterList& params);

}  // namespace tg::nn
