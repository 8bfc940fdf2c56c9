#include "autodiff/graph.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "autodiff/engine.hpp"

namespace tg {

namespace {

// Every node the root depends on, in increasing sequence number (tape order).
std::vector<const Node*> tape_of(const Var& root) {
  std::vector<const Node*> nodes, stack;
  std::unordered_set<const Node*> seen;
  if (root.defined() && root.grad_fn()) {
    stack.push_back(root.grad_fn().get());
    seen.insert(stack.back());
  }
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    nodes.push_back(n);
    for (const Var& in : n->inputs)
      if (in.defined() && in.grad_fn() && seen.insert(in.grad_fn().get()).second)
        stack.push_back(in.grad_fn().get());
  }
  std::sort(nodes.begin(), nodes.end(), [](const Node* a, const Node* b) { return a->seq < b->seq; });
  return nodes;
}

std::string label_of(const Var& v) { return v.name().empty() ? "" : "'" + v.name() + "'"; }

}  // namespace

std::string tape_string(const Var& root) {
  std::ostringstream os;
  print_tape(root, os);
  return os.str();
}

void print_tape(const Var& root, std::ostream& os) {
  for (const Node* n : tape_of(root)) {
    std::string inputs;
    for (const Var& in : n->inputs) inputs += shape_str(in.shape()) + " ";
    const Var out = n->out();
    os << "#" << std::left << std::setw(4) << n->seq << std::setw(12) << op_name(n->op)
       << std::setw(24) << inputs << "-> " << std::setw(12)
       << (out.defined() ? shape_str(out.shape()) : "?") << label_of(out) << "\n";
  }
}

std::string to_dot(const Var& root) {
  const std::vector<const Node*> nodes = tape_of(root);
  double largest = 0;
  for (const Node* n : nodes)
    for (double g : n->grad_norms) largest = std::max(largest, g);

  std::ostringstream os;
  os << "digraph tape {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
  std::unordered_map<const VarImpl*, std::string> leaf_ids;
  auto id_of = [&](const Var& v) -> std::string {
    if (v.grad_fn()) return "n" + std::to_string(v.grad_fn()->seq);
    auto [it, fresh] = leaf_ids.try_emplace(v.id(), "leaf" + std::to_string(leaf_ids.size()));
    if (fresh) {
      const char* style = v.requires_grad() ? "shape=box, style=filled, fillcolor=lightblue"
                                            : "shape=box, style=dashed";
      os << "  " << it->second << " [label=\"" << (v.name().empty() ? "leaf" : v.name()) << "\\n"
         << shape_str(v.shape()) << "\", " << style << "];\n";
    }
    return it->second;
  };
  for (const Node* n : nodes) {
    const Var out = n->out();
    os << "  n" << n->seq << " [label=\"#" << n->seq << " " << op_name(n->op) << "\\n"
       << (out.defined() ? shape_str(out.shape()) : "") << (out.name().empty() ? "" : "\\n" + out.name())
       << "\", shape=ellipse];\n";
    for (std::size_t i = 0; i < n->inputs.size(); ++i) {
      const Var& in = n->inputs[i];
      if (!in.requires_grad() && !in.grad_fn() && in.numel() == 1) continue;  // scalar constants
      os << "  " << id_of(in) << " -> n" << n->seq;
      if (i < n->grad_norms.size()) {
        // Thickness and colour grow with the gradient norm relative to the largest one.
        const double g = n->grad_norms[i];
        const double share = largest > 0 ? g / largest : 0;
        const int red = static_cast<int>(std::lround(255 * share));
        os << " [label=\"" << std::setprecision(3) << g << "\", penwidth="
           << std::setprecision(2) << 1 + 4 * share << ", color=\"#" << std::hex << std::setw(2)
           << std::setfill('0') << red << "0000\"" << std::dec << std::setfill(' ') << "]";
      }
      os << ";\n";
    }
  }
  os << "}\n";
  return os.str();
}

GradNormGuard::GradNormGuard() : previous_(is_recording_grad_norms()) {
  set_record_grad_norms(true);
}
GradNormGuard::~GradNormGuard() { set_record_grad_norms(previous_); }

}  // namespace tg
