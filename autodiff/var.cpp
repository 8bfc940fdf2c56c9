#include "autodiff/var.hpp"

#include <atomic>

#include "autodiff/engine.hpp"
#include "tensor/error.hpp"
#include "tensor/object_pool.hpp"

namespace tg {

namespace {
thread_local bool grad_enabled = true;
thread_local std::uint64_t sequence = 0;
std::atomic<std::int64_t> live_nodes{0};
}  // namespace

std::int64_t live_node_count() { return live_nodes.load(); }
Node::Node() { ++live_nodes; }

bool is_grad_enabled() { return grad_enabled; }
void set_grad_enabled(bool enabled) { grad_enabled = enabled; }
std::uint64_t next_sequence_number() { return sequence; }

Var::Var(Tensor value, bool requires_grad)
    : impl_(std::allocate_shared<VarImpl>(detail::PoolAllocator<VarImpl>())) {  // Note [object pool]
  value.check_defined("Var");
  impl_->value = std::move(value);
  if (requires_grad) requires_grad_(true);
}

void Var::check_defined(const char* op) const {
  if (!impl_) fail(op, ": the Var is undefined (default-constructed, or a gradient not computed yet)");
}

const Tensor& Var::value() const {
  check_defined("value");
  return impl_->value;
}

bool Var::requires_grad() const { return impl_ && impl_->requires_grad; }

Var& Var::requires_grad_(bool flag) {
  check_defined("requires_grad_");
  if (impl_->grad_fn)
    fail("requires_grad_: only leaves can change requires_grad; '", name(),
         "' was produced by ", op_name(impl_->grad_fn->op), " (use detach() for a constant)");
  if (flag && !is_floating(impl_->value.dtype()))
    fail("requires_grad_: only floating tensors can require gradients, got ",
         dtype_name(impl_->value.dtype()));
  impl_->requires_grad = flag;
  return *this;
}

bool Var::is_leaf() const { return impl_ && !impl_->grad_fn; }

Var Var::grad() const {
  check_defined("grad");
  return impl_->grad;
}

void Var::set_grad(const Var& g) {
  check_defined("set_grad");
  if (g.defined() && g.shape() != shape())
    fail("set_grad: gradient shape ", shape_str(g.shape()), " differs from variable shape ",
         shape_str(shape()));
  impl_->grad = g;
}

void Var::zero_grad() {
  check_defined("zero_grad");
  impl_->grad = Var();
}

Var Var::detach() const { return Var(value(), false); }

void Var::backward(const Tensor& seed, bool retain_graph, bool create_graph) const {
  tg::backward({*this}, {seed}, retain_graph, create_graph);
}

Var& Var::set_name(std::string name) {
  check_defined("set_name");
  impl_->name = std::move(name);
  return *this;
}

const std::string& Var::name() const {
  static const std::string none;
  return impl_ ? impl_->name : none;
}

void Var::register_hook(Hook hook) {
  check_defined("register_hook");
  if (!requires_grad())
    fail("register_hook: '", name(), "' does not require a gradient, so the hook would never run");
  impl_->hooks.push_back(std::move(hook));
}

const std::shared_ptr<Node>& Var::grad_fn() const {
  check_defined("grad_fn");
  return impl_->grad_fn;
}

Var Node::out() const { return Var(output.lock()); }

// Note [iterative graph teardown]
// A long chain (an RNN unrolled over 10^5 steps) would free itself
// recursively: the last Var frees its node, which frees its input Var, which
// frees that Var's node, ... and overflows the stack. Instead, a dying node
// takes ownership of the nodes that only it keeps alive and frees them in a
// loop, so teardown uses constant stack depth.
Node::~Node() {
  --live_nodes;
  std::vector<std::shared_ptr<Node>> orphans;
  auto adopt = [&orphans](Inputs& inputs) {
    for (Var& in : inputs) {
      const auto& impl = in.impl();
      if (impl && impl.use_count() == 1 && impl->grad_fn && impl->grad_fn.use_count() == 1)
        orphans.push_back(std::move(impl->grad_fn));
    }
    inputs.clear();
  };
  adopt(inputs);
  while (!orphans.empty()) {
    std::shared_ptr<Node> node = std::move(orphans.back());
    orphans.pop_back();
    adopt(node->inputs);  // node dies at the end of this iteration with no inputs left
  }
}

namespace {

// A node is recorded when grad mode is on and some input requires a gradient.
template <class List>
bool needs_grad(const List& inputs) {
  if (!grad_enabled) return false;
  for (const Var& in : inputs)
    if (in.requires_grad()) return true;
  return false;
}

// Gives `out` a node on the tape (record() decided that one is needed).
Var attach_node(OpId op, Var out, const Var* first, const Var* last, BackwardFn backward,
                OpAttrs attrs) {
  auto node = std::allocate_shared<Node>(detail::PoolAllocator<Node>());  // Note [object pool]
  node->seq = sequence++;
  node->op = op;
  node->backward = backward;
  node->inputs.assign(first, last);
  for (const Var& in : node->inputs)
    node->input_versions.push_back(in.value().storage()->version());
  node->attrs = std::move(attrs);
  node->output = out.impl();
  out.impl()->grad_fn = std::move(node);
  out.impl()->requires_grad = true;
  return out;
}

}  // namespace

Var record(OpId op, Tensor value, const std::vector<Var>& inputs, BackwardFn backward,
           OpAttrs attrs) {
  Var out(std::move(value), false);
  if (!needs_grad(inputs)) return out;
  return attach_node(op, std::move(out), inputs.data(), inputs.data() + inputs.size(), backward,
                     std::move(attrs));
}

Var record(OpId op, Tensor value, std::initializer_list<Var> inputs, BackwardFn backward,
           OpAttrs attrs) {
  Var out(std::move(value), false);
  if (!needs_grad(inputs)) return out;
  return attach_node(op, std::move(out), inputs.begin(), inputs.end(), backward, std::move(attrs));
}

}  // namespace tg
