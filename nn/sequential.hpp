// nn/sequential.hpp — modules applied one after another (torch.nn.Sequential).
//
//   tg::nn::Sequential mlp(std::make_shared<tg::nn::Linear>(2, 16),
//                          std::make_shared<tg::nn::ReLU>(),
//                          std::make_shared<tg::nn::Linear>(16, 1));
//   mlp.push_back(std::make_shared<tg::nn::Sigmoid>());
//   tg::Var y = mlp(x);          // sigmoid(fc2(relu(fc1(x))))
//   mlp.named_parameters();      // "0.weight", "0.bias", "2.weight", "2.bias"
//
// Children are named by position, "0", "1", ..., as in PyTorch, so names
// and checkpoints match a torch.nn.Sequential of the same layers.
// Any Module with a `Var forward(const Var&)` can be added — every
// UnaryModule, a Sequential, or a model of your own — and keeps its type:
// push_back returns the shared_ptr it was given. An empty Sequential is the
// identity.
// Throws: a null module; an index out of range in at().
#pragma once

#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nn/unary_module.hpp"

namespace tg::nn {

/// A Module that maps one Var to one Var, whether or not it derives from UnaryModule.
template <class M>
concept VarModule = std::derived_from<M, Module> && requires(M& m, const Var& x) {
  { m.forward(x) } -> std::convertible_to<Var>;
};

/// Modules applied one after another (torch.nn.Sequential).
///
/// Children are named by position, "0", "1", ..., as in PyTorch, so names
/// and checkpoints match a torch.nn.Sequential of the same layers. Any
/// VarModule can be added (every UnaryModule, a Sequential, or a model of
/// your own) and keeps its type: push_back returns the shared_ptr it was
/// given. An empty Sequential is the identity. Adding a null module throws
/// tg::Error.
class Sequential : public UnaryModule {
 public:
  /// An empty Sequential (the identity).
  Sequential() = default;
  /// nn.Sequential(a, b, c): the modules in order.
  template <VarModule... Ms>
  explicit Sequential(std::shared_ptr<Ms>... modules) {
    (push_back(std::move(modules)), ...);
  }

  /// Appends `module` under the name of its position and returns it.
  template <VarModule M>
  std::shared_ptr<M> push_back(std::shared_ptr<M> module) {
    if (!module) fail_null();
    register_module(std::to_string(modules_.size()), module);
    steps_.push_back([m = module.get()](const Var& x) { return Var(m->forward(x)); });
    modules_.push_back(module);
    return module;
  }
  /// push_back, returning *this so that calls chain: seq.append(a).append(b).
  template <VarModule M>
  Sequential& append(std::shared_ptr<M> module) {
    push_back(std::move(module));
    return *this;
  }

  /// x through every module in order.
  Var forward(const Var& x) override;

  /// The number of modules.
  std::size_t size() const { return modules_.size(); }
  /// The module at position i; throws tg::Error if i >= size().
  const std::shared_ptr<Module>& at(std::size_t i) const;

 private:
  [[noreturn]] void fail_null() const;

  std::vector<std::shared_ptr<Module>> modules_;
  // One call per module: each captures its module with its own type, so
  // modules need not share a base class beyond Module.
  std::vector<std::function<Var(const Var&)>> steps_;
};

}  // namespace tg::nn
