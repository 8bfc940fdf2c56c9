#include "autodiff/engine.hpp"

#include <cmath>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "autodiff/functional.hpp"
#include "tensor/creation.hpp"

namespace tg {

namespace {

bool anomaly_enabled = false;
bool record_norms = false;

double l2_norm(const Tensor& t) {
  double s = 0;
  for (double v : t.to_double_vector()) s += v * v;
  return std::sqrt(s);
}

// Note [reverse tape order]
// Every node gets a sequence number when it is recorded, and an op can only
// consume Vars that already exist, so each node's inputs have smaller
// numbers than the node. Visiting nodes from the largest number down is
// therefore a topological order of the reversed graph: no sorting by
// dependencies is needed, only by sequence number. The pass keeps the nodes
// that have received a gradient in a heap and always visits the largest
// number next; by then every consumer of that node has been visited.
struct LaterFirst {
  bool operator()(const Node* a, const Node* b) const { return a->seq < b->seq; }
};
using ReadyQueue = std::priority_queue<Node*, std::vector<Node*>, LaterFirst>;

std::string describe(const Node& node) {
  std::string s = std::string(op_name(node.op)) + " (#" + std::to_string(node.seq);
  const Var out = node.out();
  if (out.defined() && !out.name().empty()) s += ", '" + out.name() + "'";
  return s + ")";
}

std::string input_shapes(const Node& node) {
  std::string s;
  for (std::size_t i = 0; i < node.inputs.size(); ++i)
    s += (i ? ", " : "") + shape_str(node.inputs[i].shape());
  return s;
}

bool all_finite(const Tensor& t) {
  return dispatch(t.dtype(), "anomaly", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const Tensor c = t.contiguous();
    const T* p = c.data<T>();
    for (std::int64_t i = 0; i < c.numel(); ++i)
      if (!std::isfinite(static_cast<double>(p[i]))) return false;
    return true;
  });
}

Var run_hooks(const VarImpl& impl, Var grad) {
  for (const Var::Hook& hook : impl.hooks) {
    Var replaced = hook(grad);
    if (!replaced.defined()) continue;
    if (replaced.shape() != grad.shape())
      fail("register_hook: the hook on '", impl.name.empty() ? "<unnamed>" : impl.name,
           "' returned a gradient of shape ", shape_str(replaced.shape()),
           " for a variable of shape ", shape_str(impl.value.shape()));
    grad = replaced;
  }
  return grad;
}

Var accumulate(const Var& total, const Var& g) { return total.defined() ? total + g : g; }

Tensor seed_for(const Var& root, const Tensor& seed) {
  if (!seed.defined()) {
    if (root.numel() != 1)
      fail("backward: the root has shape ", shape_str(root.shape()),
           "; only a one-element root has an implicit seed. Pass a seed gradient of that shape "
           "(e.g. tg::ones_like(root.value())) or reduce the root to a scalar first");
    return ones_like(root.value());
  }
  if (seed.shape() != root.shape() || seed.dtype() != root.dtype())
    fail("backward: seed of shape ", shape_str(seed.shape()), " and dtype ",
         dtype_name(seed.dtype()), " does not match the root's shape ", shape_str(root.shape()),
         " and dtype ", dtype_name(root.dtype()));
  return seed;
}

// Note [input buffer]
// A node can receive several gradient contributions (its output is used more
// than once) before it is visited. They are summed in the node itself, in
// Node::grad_buffer, the way PyTorch's engine keeps an InputBuffer per node:
// the first contribution puts the node in the ready queue, later ones are
// added to the buffer, and visiting the node takes the sum out. Keeping the
// buffer in the node rather than in a map keyed by node costs no hashing and
// no allocation per node. A node belongs to at most one pass at a time: a
// backward started from a hook through the same nodes is an error, and a pass
// that throws empties the buffers it filled (Pass::~Pass).

// One backward pass. Gradients flowing into non-leaf Vars wait in their
// node's buffer (Note [input buffer]) and the node waits in `ready` (Note
// [reverse tape order]); gradients for leaves are summed in `leaf_grads` and
// handed over at the end.
struct Pass {
  ReadyQueue ready;
  std::unordered_map<const VarImpl*, Var> leaf_grads;
  std::vector<Var> leaves;  // in the order first reached
  // Non-leaf Vars whose gradient the caller of grad() asked for.
  std::unordered_map<const Node*, Var> captured;
  std::unordered_set<const Node*> capture;

  Pass() = default;
  Pass(const Pass&) = delete;
  Pass& operator=(const Pass&) = delete;
  Pass(Pass&&) = default;
  // Only a pass that stopped early (an error) has nodes left in `ready`.
  ~Pass() {
    for (; !ready.empty(); ready.pop())
      if (ready.top()->buffer_pass == id) ready.top()->grad_buffer = Var();
  }

  // Numbers the passes of this thread, so that a node can tell whose buffer it holds.
  static inline thread_local std::uint64_t passes_started = 0;
  std::uint64_t id = ++passes_started;

  void send(const Var& target, const Var& g) {
    if (const auto& node = target.grad_fn()) {
      if (!node->grad_buffer.defined()) {
        node->grad_buffer = g;
        node->buffer_pass = id;
        ready.push(node.get());
      } else if (node->buffer_pass != id) {
        fail("backward: ", describe(*node),
             " is already part of a backward pass that has not finished (a backward or grad() "
             "called from a hook through the same graph); run it after the first pass returns");
      } else {
        node->grad_buffer = accumulate(node->grad_buffer, g);
      }
    } else {
      auto [it, fresh] = leaf_grads.try_emplace(target.id(), g);
      if (fresh) leaves.push_back(target);
      else it->second = accumulate(it->second, g);
    }
  }

  void visit(Node& node, bool retain_graph) {
    const Var out = node.out();
    const Var grad = run_hooks(*out.impl(), std::move(node.grad_buffer));
    node.grad_buffer = Var();
    if (!capture.empty() && capture.count(&node)) captured[&node] = grad;

    if (node.released)
      fail("backward: the graph through ", describe(node),
           " was freed by an earlier backward; pass retain_graph=true to the first backward to "
           "backpropagate through it twice");
    for (std::size_t i = 0; i < node.inputs.size(); ++i)
      if (node.inputs[i].value().storage()->version() != node.input_versions[i])
        fail("backward: input ", i, " of ", describe(node), ", of shape ",
             shape_str(node.inputs[i].shape()),
             ", was modified in place after it was recorded; clone() it before modifying");

    Grads grads = node.backward(node, grad);
    if (!retain_graph) node.released = true;
    if (record_norms) node.grad_norms.assign(node.inputs.size(), 0.0);

    for (std::size_t i = 0; i < node.inputs.size(); ++i) {
      const Var& in = node.inputs[i];
      if (i >= grads.size() || !grads[i].defined() || !in.requires_grad()) continue;
      Var g = grads[i];
      // The engine, not each primitive, undoes broadcasting (Note [broadcast reduction]).
      if (g.shape() != in.shape()) g = sum_to(g, in.shape());
      if (anomaly_enabled && !all_finite(g.value()))
        fail("anomaly: the backward of ", describe(node), " with inputs [", input_shapes(node),
             "] produced a non-finite gradient for input ", i,
             in.name().empty() ? "" : " '" + in.name() + "'");
      if (record_norms) node.grad_norms[i] = l2_norm(g.value());
      send(in, g);
    }
  }
};

Pass run(const std::vector<Var>& roots, const std::vector<Tensor>& seeds, bool retain_graph,
         bool create_graph, const std::vector<Var>& capture_nodes) {
  if (!seeds.empty() && seeds.size() != roots.size())
    fail("backward: got ", seeds.size(), " seeds for ", roots.size(), " roots");
  Pass pass;
  for (const Var& v : capture_nodes)
    if (v.grad_fn()) pass.capture.insert(v.grad_fn().get());

  // Backward formulas run in grad mode only when a differentiable result is wanted.
  GradModeGuard mode(create_graph);
  for (std::size_t i = 0; i < roots.size(); ++i) {
    const Var& root = roots[i];
    if (!root.defined()) fail("backward: root ", i, " is undefined");
    if (!root.requires_grad())
      fail("backward: the root does not require a gradient (no input has requires_grad, or it "
           "was computed under NoGradGuard)");
    pass.send(root, Var(seed_for(root, seeds.empty() ? Tensor() : seeds[i])));
  }
  while (!pass.ready.empty()) {
    Node* node = pass.ready.top();
    pass.ready.pop();
    pass.visit(*node, retain_graph);
  }
  return pass;
}

}  // namespace

void set_anomaly_mode(bool enabled) { anomaly_enabled = enabled; }
void set_record_grad_norms(bool enabled) { record_norms = enabled; }
bool is_recording_grad_norms() { return record_norms; }
bool is_anomaly_mode() { return anomaly_enabled; }

void backward(const std::vector<Var>& roots, const std::vector<Tensor>& seeds, bool retain_graph,
              bool create_graph) {
  Pass pass = run(roots, seeds, retain_graph, create_graph, {});
  // Leaves receive the total gradient of this pass, after their hooks.
  GradModeGuard mode(create_graph);
  for (Var& leaf : pass.leaves) {
    Var g = run_hooks(*leaf.impl(), pass.leaf_grads[leaf.id()]);
    if (!create_graph) g = g.detach();
    leaf.set_grad(accumulate(leaf.grad(), g));
  }
}

std::vector<Var> grad(const std::vector<Var>& outputs, const std::vector<Var>& inputs,
                      const std::vector<Tensor>& grad_outputs, bool create_graph,
                      bool retain_graph, bool allow_unused) {
  for (std::size_t j = 0; j < inputs.size(); ++j)
    if (!inputs[j].defined() || !inputs[j].requires_grad())
      fail("grad: input ", j, (inputs[j].name().empty() ? "" : " '" + inputs[j].name() + "'"),
           " does not require a gradient");
  Pass pass = run(outputs, grad_outputs, retain_graph || create_graph, create_graph, inputs);
  std::vector<Var> result;
  for (std::size_t j = 0; j < inputs.size(); ++j) {
    const Var& in = inputs[j];
    Var g;
    if (in.grad_fn()) {
      auto it = pass.captured.find(in.grad_fn().get());
      if (it != pass.captured.end()) g = it->second;
    } else {
      auto it = pass.leaf_grads.find(in.id());
      if (it != pass.leaf_grads.end()) g = run_hooks(*in.impl(), it->second);
    }
    if (!g.defined()) {
      if (!allow_unused)
        fail("grad: the outputs do not depend on input ", j,
             in.name().empty() ? "" : " '" + in.name() + "'");
      g = Var(zeros_like(in.value()));
    }
    result.push_back(create_graph ? g : g.detach());
  }
  return result;
}

}  // namespace tg
