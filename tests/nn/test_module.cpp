// Module itself: dotted names, registration rules, train/eval propagation,
// buffers and zero_grad, on small hand-built modules.
#include <doctest/doctest.h>

#include "autodiff/autodiff.hpp"
#include "nn/module.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"

using namespace tg;
using namespace tg::nn;

namespace {

struct Leaf : Module {
  Var w, b;
  Tensor stats;
  int mode_changes = 0;
  Leaf() {
    w = register_parameter("weight", ones({2, 2}), ParamRole::weight);
    b = register_parameter("bias", zeros({2}), ParamRole::bias);
    stats = zeros({2});
    register_buffer("stats", stats);
  }
  void on_train(bool) override { ++mode_changes; }
};

struct Block : Module {
  std::shared_ptr<Leaf> inner;
  Var scale;
  Block() {
    scale = register_parameter("scale", ones({1}), ParamRole::norm);
    inner = register_module("inner", std::make_shared<Leaf>());
  }
};

struct Net : Module {
  std::shared_ptr<Leaf> fc1;
  std::shared_ptr<Block> block;
  Net() {
    fc1 = register_module("fc1", std::make_shared<Leaf>());
    block = register_module("block", std::make_shared<Block>());
  }
};

// Exposes the protected registration calls so tests can misuse them.
struct Open : Module {
  using Module::register_buffer;
  using Module::register_module;
  using Module::register_parameter;
};

}  // namespace

TEST_CASE("nn: named_parameters gives dotted names in registration order, with roles") {
  Net net;
  const ParameterList params = net.named_parameters();
  REQUIRE(params.size() == 5);
  const std::vector<std::string> expected{"fc1.weight", "fc1.bias", "block.scale",
                                          "block.inner.weight", "block.inner.bias"};
  for (std::size_t i = 0; i < params.size(); ++i) CHECK(params[i].name == expected[i]);
  CHECK(params[0].role == ParamRole::weight);
  CHECK(params[1].role == ParamRole::bias);
  CHECK(params[2].role == ParamRole::norm);
  // The entries are the modules' own Vars (same identity), leaves that require a gradient.
  CHECK(params[3].var.id() == net.block->inner->w.id());
  for (const auto& p : params) {
    CHECK(p.var.is_leaf());
    CHECK(p.var.requires_grad());
  }
  const std::vector<Var> plain = net.parameters();
  REQUIRE(plain.size() == params.size());
  for (std::size_t i = 0; i < plain.size(); ++i) CHECK(plain[i].id() == params[i].var.id());
}

TEST_CASE("nn: named_modules lists every submodule with its dotted path") {
  Net net;
  const auto mods = net.named_modules();
  REQUIRE(mods.size() == 4);
  CHECK(mods[0].first.empty());
  CHECK(mods[0].second == &net);
  CHECK(mods[1].first == "fc1");
  CHECK(mods[2].first == "block");
  CHECK(mods[3].first == "block.inner");
  CHECK(mods[3].second == net.block->inner.get());
}

TEST_CASE("nn: registration rejects bad and duplicate names") {
  Open m;
  m.register_parameter("w", zeros({1}), ParamRole::weight);
  CHECK_THROWS_WITH_AS(m.register_parameter("w", zeros({1}), ParamRole::weight),
                       doctest::Contains("a parameter named 'w' is already registered"), Error);
  CHECK_THROWS_WITH_AS(m.register_buffer("w", zeros({1})),
                       doctest::Contains("a parameter named 'w' is already registered"), Error);
  CHECK_THROWS_WITH_AS(m.register_parameter("a.b", zeros({1}), ParamRole::weight),
                       doctest::Contains("parameter name 'a.b' must be non-empty and contain no '.'"),
                       Error);
  CHECK_THROWS_WITH_AS(m.register_buffer("", zeros({1})),
                       doctest::Contains("buffer name '' must be non-empty"), Error);
  m.register_module("sub", std::make_shared<Leaf>());
  CHECK_THROWS_WITH_AS(m.register_module("sub", std::make_shared<Leaf>()),
                       doctest::Contains("a submodule named 'sub' is already registered"), Error);
  m.register_buffer("buf", zeros({1}));
  CHECK_THROWS_WITH_AS(m.register_parameter("buf", zeros({1}), ParamRole::bias),
                       doctest::Contains("a buffer named 'buf' is already registered"), Error);
  CHECK_THROWS_WITH_AS(m.register_module("none", std::shared_ptr<Leaf>()),
                       doctest::Contains("submodule 'none' is null"), Error);
}

TEST_CASE("nn: train() and eval() reach every submodule") {
  Net net;
  CHECK(net.is_training());
  net.eval();
  for (const auto& [name, m] : net.named_modules()) {
    CAPTURE(name);
    CHECK_FALSE(m->is_training());
  }
  CHECK(net.fc1->mode_changes == 1);
  CHECK(net.block->inner->mode_changes == 1);
  net.train();
  for (const auto& [name, m] : net.named_modules()) CHECK(m->is_training());
  // Switching one subtree leaves the rest alone.
  net.block->eval();
  CHECK(net.is_training());
  CHECK(net.fc1->is_training());
  CHECK_FALSE(net.block->inner->is_training());
}

TEST_CASE("nn: buffers have dotted names and share memory with the module's tensor") {
  Net net;
  const auto buffers = net.named_buffers();
  REQUIRE(buffers.size() == 2);
  CHECK(buffers[0].first == "fc1.stats");
  CHECK(buffers[1].first == "block.inner.stats");
  // An in-place update by the module is what a checkpoint would save.
  net.block->inner->stats.fill_(3.0);
  CHECK(buffers[1].second.to_double_vector() == std::vector<double>{3.0, 3.0});
  CHECK(buffers[0].second.to_double_vector() == std::vector<double>{0.0, 0.0});
  // Buffers are not parameters.
  for (const auto& p : net.named_parameters()) CHECK(p.name.find("stats") == std::string::npos);
}

TEST_CASE("nn: zero_grad forgets the gradient of every parameter") {
  Net net;
  Var loss = sum(net.fc1->w * net.block->inner->w) + sum(net.fc1->b) + sum(net.block->scale);
  loss.backward();
  CHECK(net.fc1->w.grad().defined());
  CHECK(net.block->inner->w.grad().value().to_double_vector() ==
        std::vector<double>{1.0, 1.0, 1.0, 1.0});
  net.zero_grad();
  for (const auto& p : net.named_parameters()) {
    CAPTURE(p.name);
    CHECK_FALSE(p.var.grad().defined());
  }
  // The next backward starts from nothing rather than accumulating onto the old gradient.
  sum(net.fc1->b * 2.0).backward();
  CHECK(net.fc1->b.grad().value().to_double_vector() == std::vector<double>{2.0, 2.0});
}

TEST_CASE("nn: role names and default decay") {
  CHECK(std::string(role_name(ParamRole::weight)) == "weight");
  CHECK(std::string(role_name(ParamRole::bias)) == "bias");
  CHECK(std::string(role_name(ParamRole::norm)) == "norm");
  CHECK(std::string(role_name(ParamRole::embedding)) == "embedding");
  CHECK(decayed_by_default(ParamRole::weight));
  CHECK(decayed_by_default(ParamRole::embedding));
  CHECK_FALSE(decayed_by_default(ParamRole::bias));
  CHECK_FALSE(decayed_by_default(ParamRole::norm));
}
