#include "nn/module.hpp"

#include "tensor/error.hpp"

namespace tg::nn {

const char* role_name(ParamRole role) {
  switch (role) {
    case ParamRole::weight: return "weight";
    case ParamRole::bias: return "bias";
    case ParamRole::norm: return "norm";
    case ParamRole::embedding: return "embedding";
  }
  return "?";
}

void Module::check_new_name(const std::string& name, const char* what) const {
  if (name.empty() || name.find('.') != std::string::npos)
    fail("Module: ", what, " name '", name, "' must be non-empty and contain no '.'");
  for (const auto& p : params_)
    if (p.name == name) fail("Module: a parameter named '", name, "' is already registered");
  for (const auto& c : children_)
    if (c.first == name) fail("Module: a submodule named '", name, "' is already registered");
  for (const auto& b : buffers_)
    if (b.first == name) fail("Module: a buffer named '", name, "' is already registered");
}

Var Module::register_parameter(const std::string& name, Tensor value, ParamRole role) {
  check_new_name(name, "parameter");
  Var v(std::move(value), /*requires_grad=*/true);
  v.set_name(name);
  params_.push_back({name, v, role});
  return v;
}

void Module::add_module(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(name, "submodule");
  if (!module) fail("Module: submodule '", name, "' is null");
  children_.emplace_back(name, std::move(module));
}

void Module::register_buffer(const std::string& name, Tensor value) {
  check_new_name(name, "buffer");
  buffers_.emplace_back(name, std::move(value));
}

ParameterList Module::named_parameters() const {
  ParameterList out = params_;
  for (const auto& [child_name, child] : children_)
    for (NamedParameter p : child->named_parameters()) {
      p.name = child_name + "." + p.name;
      out.push_back(std::move(p));
    }
  return out;
}

std::vector<Var> Module::parameters() const {
  std::vector<Var> out;
  for (const NamedParameter& p : named_parameters()) out.push_back(p.var);
  return out;
}

std::vector<std::pair<std::string, const Module*>> Module::named_modules() const {
  std::vector<std::pair<std::string, const Module*>> out{{"", this}};
  for (const auto& [child_name, child] : children_)
    for (const auto& [sub_name, sub] : child->named_modules())
      out.emplace_back(sub_name.empty() ? child_name : child_name + "." + sub_name, sub);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers() const {
  std::vector<std::pair<std::string, Tensor>> out = buffers_;
  for (const auto& [child_name, child] : children_)
    for (auto [name, t] : child->named_buffers()) out.emplace_back(child_name + "." + name, t);
  return out;
}

void Module::train(bool on) {
  training_ = on;
  on_train(on);
  for (auto& c : children_) c.second->train(on);
}

void Module::zero_grad() {
  for (NamedParameter& p : named_parameters()) p.var.zero_grad();
}

}  // namespace tg::nn
