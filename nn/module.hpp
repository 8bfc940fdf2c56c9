// nn/module.hpp — the base class of every layer and model.
//
// A Module owns parameters and submodules, registered by name in its
// constructor (as in PyTorch and libtorch):
//
//   struct Mlp : tg::nn::Module {
//     std::shared_ptr<tg::nn::Linear> fc1, fc2;
//     Mlp() {
//       fc1 = register_module("fc1", std::make_shared<tg::nn::Linear>(784, 128));
//       fc2 = register_module("fc2", std::make_shared<tg::nn::Linear>(128, 10));
//     }
//     tg::Var forward(const tg::Var& x) { return fc2->forward(tg::relu(fc1->forward(x))); }
//   };
//
// named_parameters() lists every parameter with its dotted path
// ("fc1.weight", "fc1.bias", ...) in registration order; checkpoints,
// optimizers, decay masks and gradient monitors all use those names.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nn/parameter.hpp"

namespace tg::nn {

/// The base class of every layer and model (torch.nn.Module).
///
/// A Module owns parameters (trainable leaf Vars), buffers (saved, not
/// trained) and submodules, each registered under a name in the constructor
/// of the derived class. named_parameters(), named_buffers() and
/// named_modules() list them with dotted paths ("fc1.weight"): a module's
/// own entries in registration order, then each submodule's, depth first.
/// Checkpoints, optimizers, decay masks and gradient monitors all use those
/// names. A Module is not copyable.
/// Registration throws tg::Error for an empty name, a name containing '.',
/// a name already used by a parameter, buffer or submodule of this module,
/// or a null submodule.
class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  /// Every parameter of this module and its submodules, depth first, in
  /// registration order, with dotted names.
  ParameterList named_parameters() const;
  /// The same parameters without names.
  std::vector<Var> parameters() const;
  /// Direct and indirect submodules with dotted names ("" is this module).
  std::vector<std::pair<std::string, const Module*>> named_modules() const;

  /// Training mode (dropout active, batch norm uses batch statistics) or
  /// evaluation mode; applies to every submodule.
  void train(bool on = true);
  /// Evaluation mode, the same as train(false).
  void eval() { train(false); }
  /// True in training mode (the default for a new module), false after eval().
  bool is_training() const { return training_; }

  /// Forgets every parameter's gradient.
  void zero_grad();

  /// Buffers: tensors saved with the model that are not trained (batch
  /// norm's running statistics), with dotted names.
  std::vector<std::pair<std::string, Tensor>> named_buffers() const;

 protected:
  /// Registers a leaf Var as a parameter (requires_grad is turned on).
  /// Names must be unique within the module and contain no '.'.
  Var register_parameter(const std::string& name, Tensor value, ParamRole role);
  /// Registers a submodule and returns it, typed.
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_module(name, module);
    return module;
  }
  /// Registers a buffer; `value` is shared, so in-place updates are seen.
  void register_buffer(const std::string& name, Tensor value);
  /// Called by train(): lets subclasses react to a mode change (rarely needed).
  virtual void on_train(bool) {}

 private:
  void add_module(const std::string& name, std::shared_ptr<Module> module);
  void check_new_name(const std::string& name, const char* what) const;

  std::vector<NamedParameter> params_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  std::vector<std::pair<std::string, Tensor>> buffers_;
  bool training_ = true;
};

}  // namespace tg::nn
