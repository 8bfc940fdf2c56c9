#include "optim/momentum.hpp"

#include "optim/detail.hpp"
#include "tensor/elementwise.hpp"

namespace tg::optim {

Momentum::Momentum(double beta, bool nesterov, double dampening)
    : beta_(beta), dampening_(dampening), nesterov_(nesterov) {
  detail::require_unit_interval("momentum", "beta", beta);
  detail::require_unit_interval("momentum", "dampening", dampening);
  if (nesterov && (beta == 0 || dampening != 0))
    fail("momentum: nesterov needs beta > 0 and dampening = 0, got beta = ", beta,
         ", dampening = ", dampening);
}

void Momentum::init(const nn::ParameterList& params) {
  state_.trace.assign(params.size(), Tensor());
}

void Momentum::update(UpdateContext& ctx) {
  for (std::size_t i : ctx.active) {
    Tensor& u = ctx.updates[i];
    Tensor& b = state_.trace[i];
    if (!b.defined()) {
      b = u.clone();
    } else {
      mul_(b, beta_);
      add_(b, u, 1.0 - dampening_);
    }
    if (nesterov_) {
      add_(u, b, beta_);
    } else {
      u.copy_(b);
    }
  }
}

void Momentum::visit_state(StateVisitor& visitor) { visitor.tensors("trace", state_.trace); }

TransformPtr momentum(double beta, bool nesterov, double dampening) {
  return std::make_unique<Momentum>(beta, nesterov, dampening);
}

}  // namespace tg::optim
