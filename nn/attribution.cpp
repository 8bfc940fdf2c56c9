#include "nn/attribution.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "autodiff/engine.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

namespace {

void check_inputs(const std::vector<LossTerm>& terms, const ParameterList& params) {
  if (terms.empty()) fail("attribute_gradients: no loss terms given");
  std::set<std::string> seen;
  for (const LossTerm& t : terms) {
    if (!t.value.defined()) fail("attribute_gradients: term '", t.name, "' is undefined");
    if (t.value.numel() != 1)
      fail("attribute_gradients: term '", t.name, "' has shape ", shape_str(t.value.shape()),
           "; expected a scalar (reduce it with sum or mean)");
    if (!seen.insert(t.name).second)
      fail("attribute_gradients: two terms are named '", t.name, "'");
  }
  for (const NamedParameter& p : params)
    if (!p.var.defined() || !p.var.requires_grad())
      fail("attribute_gradients: parameter '", p.name, "' does not require a gradient");
}

// grads[t][j]: d term_t / d param_j as doubles (zeros where t ignores param j).
std::vector<std::vector<std::vector<double>>> term_gradients(const std::vector<LossTerm>& terms,
                                                             const ParameterList& params) {
  std::vector<Var> vars;
  for (const NamedParameter& p : params) vars.push_back(p.var);
  std::vector<std::vector<std::vector<double>>> grads;
  for (const LossTerm& t : terms) {
    std::vector<std::vector<double>> per_param;
    if (!t.value.requires_grad()) {  // a constant term: no gradient anywhere
      for (const Var& v : vars) per_param.emplace_back(static_cast<std::size_t>(v.numel()), 0.0);
    } else {
      // retain_graph: the terms usually share one forward graph, and the
      // caller may still want to backward() through it.
      for (const Var& g : grad({t.value}, vars, {}, /*create_graph=*/false, /*retain_graph=*/true))
        per_param.push_back(g.value().to_double_vector());
    }
    grads.push_back(std::move(per_param));
  }
  return grads;
}

// Fills norms and shares from the squared norms |g_t|^2, the dot products
// <g_t, g> and |g|^2, accumulated over one parameter or over all of them.
ParameterAttribution finish(std::string name, const std::vector<double>& term_sq,
                            const std::vector<double>& dots, double total_sq) {
  ParameterAttribution a;
  a.name = std::move(name);
  a.total_norm = std::sqrt(total_sq);
  for (std::size_t t = 0; t < term_sq.size(); ++t) {
    a.term_norms.push_back(std::sqrt(term_sq[t]));
    a.shares.push_back(total_sq > 0 ? dots[t] / total_sq : 0.0);
  }
  return a;
}

}  // namespace

GradientAttribution attribute_gradients(const std::vector<LossTerm>& terms,
                                        const ParameterList& params) {
  check_inputs(terms, params);
  const auto grads = term_gradients(terms, params);
  const std::size_t n_terms = terms.size();
  GradientAttribution out;
  for (const LossTerm& t : terms) out.terms.push_back(t.name);
  std::vector<double> all_sq(n_terms, 0.0), all_dots(n_terms, 0.0);
  double all_total_sq = 0;
  for (std::size_t j = 0; j < params.size(); ++j) {
    std::vector<double> total(grads[0][j].size(), 0.0);
    for (std::size_t t = 0; t < n_terms; ++t)
      for (std::size_t i = 0; i < total.size(); ++i) total[i] += grads[t][j][i];
    std::vector<double> term_sq(n_terms, 0.0), dots(n_terms, 0.0);
    double total_sq = 0;
    for (std::size_t i = 0; i < total.size(); ++i) total_sq += total[i] * total[i];
    for (std::size_t t = 0; t < n_terms; ++t)
      for (std::size_t i = 0; i < total.size(); ++i) {
        term_sq[t] += grads[t][j][i] * grads[t][j][i];
        dots[t] += grads[t][j][i] * total[i];
      }
    out.parameters.push_back(finish(params[j].name, term_sq, dots, total_sq));
    for (std::size_t t = 0; t < n_terms; ++t) {
      all_sq[t] += term_sq[t];
      all_dots[t] += dots[t];
    }
    all_total_sq += total_sq;
  }
  out.all = finish("all", all_sq, all_dots, all_total_sq);
  return out;
}

std::string GradientAttribution::to_string() const {
  std::size_t width = 9;  // "parameter"
  for (const ParameterAttribution& p : parameters) width = std::max(width, p.name.size());
  char buf[64];
  std::string out = "parameter" + std::string(width - 9, ' ') + "      |grad|";
  for (const std::string& t : terms) {
    const std::string head = t + " |g|";
    out += "  " + std::string(head.size() < 10 ? 10 - head.size() : 0, ' ') + head + "   share";
  }
  out += '\n';
  auto row = [&](const ParameterAttribution& p) {
    out += p.name + std::string(width - std::min(width, p.name.size()), ' ');
    std::snprintf(buf, sizeof buf, "  %10.3e", p.total_norm);
    out += buf;
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const std::size_t w = std::max<std::size_t>(10, terms[t].size() + 4);
      std::snprintf(buf, sizeof buf, "  %*.3e  %6.3f", static_cast<int>(w), p.term_norms[t],
                    p.shares[t]);
      out += buf;
    }
    out += '\n';
  };
  for (const ParameterAttribution& p : parameters) row(p);
  row(all);
  return out;
}

}  // namespace tg::nn
