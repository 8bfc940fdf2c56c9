#include "optim/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>

#include "optim/chain.hpp"
#include "optim/detail.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"

namespace tg::optim {

namespace {
// Copies each transform's state out as named tensors (counters as 0-d i64).
class StateSaver : public StateVisitor {
 public:
  explicit StateSaver(const nn::ParameterList& params) : params_(params) {}
  void tensors(const std::string& field, std::vector<Tensor>& per_param) override {
    for (std::size_t i = 0; i < per_param.size(); ++i)
      if (per_param[i].defined())
        out.emplace_back(prefix + field + "." + params_[i].name, per_param[i].clone());
  }
  void counter(const std::string& field, std::int64_t& value) override {
    out.emplace_back(prefix + field, scalar(double(value), DType::i64));
  }
  nn::NamedTensors out;

 private:
  const nn::ParameterList& params_;
};

// Copies state back in. Run twice: a dry run that only validates (so a bad
// checkpoint leaves the optimizer untouched), then the real one.
class StateLoader : public StateVisitor {
 public:
  StateLoader(const nn::ParameterList& params, const nn::NamedTensors& in, bool dry_run)
      : params_(params), in_(in.begin(), in.end()), dry_run_(dry_run) {}

  void tensors(const std::string& field, std::vector<Tensor>& per_param) override {
    for (std::size_t i = 0; i < per_param.size(); ++i) {
      const std::string name = prefix + field + "." + params_[i].name;
      const Tensor* t = lookup(name, /*required=*/per_param[i].defined());
      if (!t) continue;  // lazily created state (momentum before a first update)
      const Tensor& like = params_[i].var.value();
      if (t->shape() != like.shape() || t->dtype() != like.dtype())
        fail("load_state_dict: '", name, "' has shape ", shape_str(t->shape()), " ",
             dtype_name(t->dtype()), ", expected ", shape_str(like.shape()), " ",
             dtype_name(like.dtype()));
      if (!dry_run_) per_param[i] = t->contiguous().clone();
    }
  }

  void counter(const std::string& field, std::int64_t& value) override {
    const Tensor* t = lookup(prefix + field, true);
    if (t->numel() != 1)
      fail("load_state_dict: counter '", prefix + field, "' has ", t->numel(), " elements, expected 1");
    if (!dry_run_) value = static_cast<std::int64_t>(t->item());
  }

  /// Throws for an entry no transform asked for (a checkpoint of another chain).
  void check_all_used() const {
    for (const auto& [name, t] : in_)
      if (!used_.count(name)) fail("load_state_dict: unexpected '", name, "' (saved from another chain?)");
  }

 private:
  const Tensor* lookup(const std::string& name, bool required) {
    auto it = in_.find(name);
    if (it == in_.end()) {
      if (required) fail("load_state_dict: missing '", name, "'");
      return nullptr;
    }
    used_.insert(name);
    return &it->second;
  }

  const nn::ParameterList& params_;
  std::map<std::string, Tensor> in_;
  std::set<std::string> used_;
  bool dry_run_;
};
}  // namespace

Optimizer::Optimizer(nn::ParameterList params, TransformPtr chain, OptimizerOptions options)
    : params_(std::move(params)), chain_(std::move(chain)), fuse_(options.fuse) {
  if (!chain_) fail("Optimizer: the transform is null");
  check_params();
  check_chain_order(*chain_, options.strict);
  chain_->init(params_);
}

void Optimizer::check_params() const {
  std::set<std::string> names;
  for (const auto& p : params_) {
    if (!p.var.defined()) fail("Optimizer: parameter '", p.name, "' is undefined");
    if (!names.insert(p.name).second)
      fail("Optimizer: duplicate parameter name '", p.name, "' (state is saved by name)");
    const Tensor& v = p.var.value();
    if (v.dtype() != DType::f32 && v.dtype() != DType::f64)
      fail("Optimizer: parameter '", p.name, "' has dtype ", dtype_name(v.dtype()),
           ", expected f32 or f64");
    if (!v.is_contiguous())
      fail("Optimizer: parameter '", p.name, "' is not contiguous; pass a contiguous leaf");
  }
}

namespace {
// The gradient itself when contiguous, else a contiguous clone. (Alignment
// does not matter: the sums give each element its lane by index, Note
// [vector sums of squares] in optim/detail.cpp.)
Tensor contiguous_gradient(const Tensor& grad) { return grad.is_contiguous() ? grad : grad.clone(); }
}  // namespace

// Fused (Note [fused update]): the gradients are only read here; the Chain
// copies them into the update buffers in its first sweep.
UpdateContext Optimizer::gather_gradients(StepReport& report) const {
  UpdateContext ctx{params_, std::vector<Tensor>(params_.size()), {}};
  ctx.fuse = fuse_;
  if (fuse_) ctx.gradients.resize(params_.size());
  report.param_grad_norms.assign(params_.size(), 0.0);
  double total = 0;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Var grad = params_[i].var.grad();
    if (!grad.defined()) continue;
    if (fuse_) {
      ctx.gradients[i] = contiguous_gradient(grad.value());
      ctx.updates[i] = Tensor::empty(grad.value().shape(), grad.value().dtype());
    } else {
      ctx.updates[i] = grad.value().clone();
    }
    // The per-parameter norm and its share of the global norm.
    const double squares = detail::sum_squares(fuse_ ? ctx.gradients[i] : ctx.updates[i]);
    report.param_grad_norms[i] = std::sqrt(squares);
    total += squares;
    ctx.active.push_back(i);
  }
  report.grad_norm = std::sqrt(total);
  if (fuse_) {
    ctx.known_norm = report.grad_norm;
    ctx.may_apply = !parameters_share_storage(ctx);
    ctx.keep_updates = chain_->reads_updates_after_step();
  }
  return ctx;
}

// Tied parameters: applying one while the sweep still reads the other (for a
// decay term) would change the result, so the Optimizer applies them itself.
bool Optimizer::parameters_share_storage(const UpdateContext& ctx) const {
  std::vector<const Storage*> storages;
  for (std::size_t i : ctx.active) storages.push_back(params_[i].var.value().storage().get());
  std::sort(storages.begin(), storages.end());
  return std::adjacent_find(storages.begin(), storages.end()) != storages.end();
}

void Optimizer::apply(UpdateContext& ctx, StepReport& report) {
  double total = ctx.applied_sum_squares;  // the chain's last sweep applied it already
  if (!ctx.applied)
    for (std::size_t i : ctx.active) total += detail::add_and_sum_squares(params_[i].var.value(), ctx.updates[i]);
  chain_->after_step(ctx);
  report.update_norm = std::sqrt(total);
  report.step = ++step_count_;
}

StepReport Optimizer::step() {
  NoGradGuard no_grad;
  StepReport report;
  UpdateContext ctx = gather_gradients(report);
  run_update(*chain_, ctx);
  report.skipped = ctx.skip;
  report.accumulating = ctx.defer;
  report.clipped = ctx.clipped;
  report.consecutive_skips = ctx.consecutive_skips;
  report.learning_rate = ctx.learning_rate;
  report.step = step_count_;
  if (!ctx.skip && !ctx.defer) apply(ctx, report);
  return report;
}

void Optimizer::zero_grad() {
  for (auto& p : params_) p.var.zero_grad();
}

nn::NamedTensors Optimizer::state_dict() const {
  StateSaver saver(params_);
  std::int64_t step = step_count_;
  saver.counter("optimizer.step", step);
  chain_->visit_state(saver);
  return std::move(saver.out);
}

void Optimizer::load_state_dict(const nn::NamedTensors& state) {
  for (bool dry_run : {true, false}) {
    StateLoader loader(params_, state, dry_run);
    std::int64_t step = step_count_;
    loader.counter("optimizer.step", step);
    chain_->visit_state(loader);
    if (dry_run) loader.check_all_used();
    step_count_ = step;
  }
}

void Optimizer::save(const std::string& path) const {
  nn::save_safetensors(path, state_dict(), {{"format", "tapegrad.optim"}});
}

void Optimizer::load(const std::string& path) {
  const nn::SafetensorsFile file = nn::load_safetensors(path);  // its errors name the file
  const auto format = file.metadata.find("format");
  if (format != file.metadata.end() && format->second != "tapegrad.optim")
    fail("Optimizer::load: '", path, "' holds '", format->second,
         "', not optimizer state (a model checkpoint? load it with nn::load)");
  try {
    load_state_dict(file.tensors);
  } catch (const Error& e) {
    fail("Optimizer::load: '", path, "': ", e.what());
  }
}

}  // namespace tg::optim
