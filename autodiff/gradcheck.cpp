#include "autodiff/gradcheck.hpp"

#include <cmath>
#include <sstream>

#include "autodiff/engine.hpp"
#include "autodiff/functional.hpp"
#include "tensor/creation.hpp"
#include "tensor/random.hpp"

namespace tg {

namespace {

std::vector<Tensor> f64_copies(const std::vector<Tensor>& inputs) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    inputs[i].check_defined("gradcheck");
    if (!is_floating(inputs[i].dtype()))
      fail("gradcheck: input ", i, " has dtype ", dtype_name(inputs[i].dtype()),
           "; only floating inputs can be checked (pass index tensors through the closure)");
    for (std::size_t j = 0; j < i; ++j)
      if (inputs[i].shares_storage(inputs[j]))
        fail("gradcheck: inputs ", j, " and ", i,
             " share memory, so perturbing one would move the other; pass clone()s");
    for (std::size_t d = 0; d < inputs[i].strides().size(); ++d)
      if (inputs[i].strides()[d] == 0 && inputs[i].shape()[d] > 1)
        fail("gradcheck: input ", i, " of shape ", shape_str(inputs[i].shape()),
             " is an expanded view (stride 0): its elements alias each other; pass contiguous()");
  }
  std::vector<Tensor> out;
  for (const Tensor& t : inputs) out.push_back(t.to(DType::f64).clone());
  return out;
}

// f at the given values, as a flat f64 vector (no graph recorded).
std::vector<double> evaluate(const VarFunction& f, const std::vector<Tensor>& values) {
  NoGradGuard no_grad;
  std::vector<Var> vars;
  for (const Tensor& t : values) vars.emplace_back(t);
  return f(vars).value().to(DType::f64).to_double_vector();
}

}  // namespace

GradcheckResult gradcheck(const VarFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  const std::vector<Tensor> x = f64_copies(inputs);
  std::vector<Var> leaves;
  for (const Tensor& t : x) leaves.emplace_back(t, true);
  const Var y = f(leaves);
  const std::int64_t m = y.numel();

  // Analytic Jacobian, one row per output element: backprop a one-hot seed.
  std::vector<std::vector<double>> analytic(static_cast<std::size_t>(m));
  for (std::int64_t j = 0; j < m; ++j) {
    std::vector<double>& row = analytic[static_cast<std::size_t>(j)];
    if (!y.requires_grad()) {  // f does not depend on its inputs at all
      for (const Tensor& t : x) row.insert(row.end(), static_cast<std::size_t>(t.numel()), 0.0);
      continue;
    }
    Tensor seed = zeros(y.shape(), y.dtype());
    seed.reshape({-1}).narrow(0, j, 1).fill_(1.0);
    for (const Var& g : grad({y}, leaves, {seed}, false, /*retain_graph=*/true)) {
      const std::vector<double> gv = g.value().to(DType::f64).to_double_vector();
      row.insert(row.end(), gv.begin(), gv.end());
    }
  }

  // Numeric Jacobian, one column per input element, and the comparison.
  GradcheckResult result;
  result.passed = true;
  std::size_t column = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    double* p = x[i].data<double>();
    for (std::int64_t k = 0; k < x[i].numel(); ++k, ++column) {
      const double saved = p[k];
      p[k] = saved + options.eps;
      const std::vector<double> plus = evaluate(f, x);
      p[k] = saved - options.eps;
      const std::vector<double> minus = evaluate(f, x);
      p[k] = saved;
      for (std::int64_t j = 0; j < m; ++j) {
        const double numeric = (plus[j] - minus[j]) / (2 * options.eps);
        const double a = analytic[static_cast<std::size_t>(j)][column];
        const double err = std::abs(a - numeric);
        if (!(err <= result.max_abs_error)) result.max_abs_error = err;
        if (result.passed && !(err <= options.atol + options.rtol * std::abs(numeric))) {
          std::ostringstream os;
          os << "gradcheck: d output[" << j << "] / d input " << i << "[" << k
             << "]: backward gives " << a << ", finite differences give " << numeric
             << " (|diff| " << err << " > atol " << options.atol << " + rtol " << options.rtol
             << " * |numeric|)";
          result.report = os.str();
          result.passed = false;
        }
      }
    }
  }
  return result;
}

GradcheckResult gradgradcheck(const VarFunction& f, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options) {
  const std::vector<Tensor> x = f64_copies(inputs);
  Shape out_shape;
  {
    NoGradGuard no_grad;
    std::vector<Var> vars(x.begin(), x.end());
    out_shape = f(vars).shape();
  }
  Generator gen(1234);
  const Tensor u = randn(out_shape, gen, DType::f64);  // fixed direction for the first derivative
  const VarFunction first_derivative = [&](const std::vector<Var>& outer) {
    // gradcheck evaluates this without grad mode and with constant inputs
    // for its finite differences; a gradient still has to be computed then.
    EnableGradGuard enable;
    std::vector<Var> xs = outer;
    for (Var& v : xs)
      if (!v.requires_grad()) v = Var(v.value(), true);
    const Var y = f(xs);
    std::vector<Var> parts;
    if (!y.requires_grad()) {  // f is constant in its inputs: its gradient is 0
      for (const Var& v : xs) parts.push_back(Var(zeros({v.numel()}, DType::f64)));
      return cat(parts, 0);
    }
    for (const Var& g : grad({y}, xs, {u}, /*create_graph=*/true)) parts.push_back(flatten(g));
    return cat(parts, 0);
  };
  return gradcheck(first_derivative, x, options);
}

}  // namespace tg
