#include "nn/regularizers.hpp"

#include <cmath>
#include <utility>

#include "autodiff/engine.hpp"
#include "autodiff/functional.hpp"
#include "tensor/creation.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

// ------------------------------------------------------------- selections

Selection::Selection(const ParameterList& params) {
  for (const NamedParameter& p : params) {
    vars_.push_back(p.var);
    names_.push_back(p.name);
  }
}

Selection::Selection(const std::vector<Var>& vars) : vars_(vars) {
  for (std::size_t i = 0; i < vars_.size(); ++i) names_.push_back("tensor " + std::to_string(i));
}

Selection::Selection(std::initializer_list<Var> vars) : Selection(std::vector<Var>(vars)) {}

ParameterList by_name(const Module& module, const std::function<bool(const std::string&)>& keep) {
  ParameterList out;
  for (const NamedParameter& p : module.named_parameters())
    if (keep(p.name)) out.push_back(p);
  return out;
}

ParameterList by_role(const Module& module, ParamRole role) {
  ParameterList out;
  for (const NamedParameter& p : module.named_parameters())
    if (p.role == role) out.push_back(p);
  return out;
}

ParameterList weights_only(const Module& module) {
  ParameterList out;
  for (const NamedParameter& p : module.named_parameters())
    if (decayed_by_default(p.role)) out.push_back(p);
  return out;
}

namespace {

void check_lambda(double lambda, const char* op) {
  if (!(lambda >= 0) || std::isinf(lambda))
    fail(op, ": the strength must be finite and >= 0, got ", lambda);
}

// Checks that the selection is usable and returns the dtype of its tensors;
// summing terms of different dtypes would otherwise fail deep inside add().
DType common_dtype(const Selection& params, const char* op) {
  DType dtype = DType::f32;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Var& v = params.vars()[i];
    if (!v.defined()) fail(op, ": '", params.name(i), "' is undefined");
    if (!is_floating(v.dtype()))
      fail(op, ": '", params.name(i), "' has dtype ", dtype_name(v.dtype()),
           "; regularizers need f32 or f64");
    if (i > 0 && v.dtype() != dtype)
      fail(op, ": mixed dtypes in the selection: '", params.name(0), "' is ", dtype_name(dtype),
           " but '", params.name(i), "' is ", dtype_name(v.dtype()));
    dtype = v.dtype();
  }
  return dtype;
}

// sum_i term(w_i) over the selection; a 0-d zero for an empty selection.
template <class Term>
Var sum_over(const Selection& params, const char* op, Term&& term) {
  const DType dtype = common_dtype(params, op);
  if (params.size() == 0) return Var(scalar(0.0, dtype));
  Var total = term(params.vars()[0], params.name(0));
  for (std::size_t i = 1; i < params.size(); ++i)
    total = total + term(params.vars()[i], params.name(i));
  return total;
}

// Views a tensor as the matrix [size(0), numel / size(0)] (0-d: [1, 1]).
Var as_rows(const Var& w) {
  if (w.dim() == 0) return reshape(w, {1, 1});
  std::int64_t cols = 1;  // not -1: that is ambiguous when size(0) is 0
  for (std::int64_t d = 1; d < w.dim(); ++d) cols *= w.shape()[d];
  return reshape(w, {w.shape()[0], cols});
}

}  // namespace

// ------------------------------------------------------- weight penalties

Var l1(const Selection& params, double lambda) {
  check_lambda(lambda, "l1");
  return lambda * sum_over(params, "l1", [](const Var& w, const std::string&) {
           return sum(abs(w));
         });
}

Var l2(const Selection& params, double lambda) {
  check_lambda(lambda, "l2");
  // Note [the 1/2 in l2] (header): the gradient is lambda * w.
  return (0.5 * lambda) * sum_over(params, "l2", [](const Var& w, const std::string&) {
           return sum(square(w));
         });
}

Var elastic_net(const Selection& params, double l1_lambda, double l2_lambda) {
  return l1(params, l1_lambda) + l2(params, l2_lambda);
}

Var group_lasso(const Selection& params, double lambda, bool scale_by_group_size) {
  check_lambda(lambda, "group_lasso");
  return lambda * sum_over(params, "group_lasso", [&](const Var& w, const std::string&) {
           const Var rows = as_rows(w);
           const Var row_norms = norm(rows, 2.0, {1});  // 0 with gradient 0 at a zero row
           const double c = scale_by_group_size ? std::sqrt(double(rows.shape()[1])) : 1.0;
           return c * sum(row_norms);
         });
}

Var orthogonal(const Selection& params, double lambda) {
  check_lambda(lambda, "orthogonal");
  return lambda * sum_over(params, "orthogonal", [](const Var& w, const std::string& name) {
           if (w.dim() < 2)
             fail("orthogonal: '", name, "' has shape ", shape_str(w.shape()),
                  "; expected a matrix or a kernel (at least 2 dimensions). Select weights "
                  "with weights_only(model)");
           const Var m = as_rows(w);
           const bool tall = m.shape()[0] >= m.shape()[1];
           const Var gram = tall ? matmul(transpose(m, 0, 1), m) : matmul(m, transpose(m, 0, 1));
           const Var identity(eye(gram.shape()[0], w.dtype()));
           return sum(square(gram - identity));
         });
}

// -------------------------------------------- activations and inputs

Var activity(const Var& activations, double lambda, int p) {
  check_lambda(lambda, "activity");
  if (p != 1 && p != 2) fail("activity: p must be 1 or 2, got ", p);
  if (!activations.defined()) fail("activity: the activations are undefined");
  const double batch = activations.dim() == 0 ? 1.0 : double(activations.shape()[0]);
  const Var total = p == 1 ? sum(abs(activations)) : sum(square(activations));
  return (lambda / std::max(batch, 1.0)) * total;
}

Var gradient_penalty(const std::function<Var(const Var&)>& f, const Var& x, double lambda,
                     double target_norm) {
  check_lambda(lambda, "gradient_penalty");
  if (!x.defined()) fail("gradient_penalty: x is undefined");
  if (!(target_norm >= 0)) fail("gradient_penalty: target_norm must be >= 0, got ", target_norm);
  Var grad_x;
  {
    // The inner derivative must be recorded even under NoGradGuard (an
    // evaluation loop, or gradcheck's finite differences).
    EnableGradGuard enable;
    const Var input = x.requires_grad() ? x : Var(x.value(), true);
    const Var out = f(input);
    if (!out.defined()) fail("gradient_penalty: f returned an undefined Var");
    grad_x = out.requires_grad()
                 ? tg::grad({sum(out)}, {input}, {}, /*create_graph=*/true).front()
                 : Var(zeros_like(input.value()));  // f ignores x: its gradient is 0
  }
  const Var per_sample = norm(as_rows(grad_x), 2.0, {1});  // [N]
  return lambda * mean(square(per_sample - target_norm));
}

}  // namespace tg::nn
