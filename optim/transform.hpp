// optim/transform.hpp — the one abstraction of tg::optim: a gradient transform.
//
// An optimizer step is a pipeline (optax's GradientTransformation):
//
//   gradients ──► t1 ──► t2 ──► ... ──► updates        θ ← θ + updates
//
// Each Transform rewrites the update buffers *in place*: clipping scales them,
// Adam divides them by a running RMS, scale_by_learning_rate multiplies them
// by −lr (the one place where the sign flips). Each transform is one file,
// one idea, and keeps its state in a named struct (AdamState, ...).
//
// Why an abstract base class and not optax's pair of pure functions? In C++
// the state of a transform is naturally a member (a vector of tensors, a
// step counter); a `virtual update(UpdateContext&)` reads like the textbook
// formula and needs no type erasure of state. Composition (chain, masked,
// accumulate) is ordinary ownership: a Chain owns its children. The only
// generic operations on state (checkpoint save/load) go through one visitor,
// `visit_state`, so no transform writes serialisation code.
//
// Two phases per step (Note [after-step hooks]):
//   update(ctx)      gradient → update, before the optimizer applies it;
//   after_step(ctx)  runs on the *parameters* after θ ← θ + u: projections
//                    and proximal maps (proximal_l1, max_norm_constraint,
//                    decoupled_weight_decay without lr scaling) need the
//                    stepped value and cannot be folded into an additive update.
//
// Missing gradients (Note [missing gradients]): a parameter whose grad() is
// undefined has an undefined update and is left out of `ctx.active`, so no
// transform touches it or its state that step (PyTorch skips such
// parameters too: no momentum drift, no decay of frozen parameters).
//
// Note [fused update]
// Run one transform at a time and a step of clip → l2 → momentum → lr makes
// eight passes over every parameter: copy the gradient, its norm, the clip's
// norm and scale, the l2 add, momentum, the lr scale, θ += u. Most
// transforms are a loop over elements, u_j ← f(u_j, θ_j, state_j), so the
// Chain runs each maximal run of such transforms as ONE sweep: a parameter
// is cut into chunks of kFusedChunk elements (8 KiB of f32 per buffer, so
// they stay in L1/L2) and every transform of the run works on a chunk before
// the next chunk is loaded. Each transform still lives in its own file, as
// two functions:
//   prepare(ctx)               once per step: schedules, counters, lazily
//                              created state, per-step constants;
//   update_chunk(ctx, chunk)   the formula on elements [begin, begin + size)
//                              of one parameter (u, θ and its state there).
// ElementwiseTransform::update() is prepare() plus update_chunk() over each
// whole parameter, so the unfused path runs the very same arithmetic, and
// the results are bitwise identical whatever the chunking (-ffp-contract=off:
// no fused multiply-add to differ). fuse_into() says whether a transform can
// join a run this step: elementwise ones always; composites when their
// children can (masked() passes its selection of parameters along, Chain
// its children; a chain inside a chain is one flat list); clip_by_global_norm
// and skip_nonfinite when they come first, where the update is still the
// gradient and the Optimizer knows its norm (`known_norm`, measured anyway
// for StepReport::grad_norm, with the same function on the same data, so the
// same bits): the clip is then a multiply in the sweep, and a finite norm
// leaves the guard nothing to check. The Optimizer also hands the Chain the
// gradients uncopied (the sweep copies a chunk as it loads it) and lets the
// last sweep apply θ ← θ + u and measure ‖u‖. The flagship chain now reads
// the parameters twice (the gradient norm, then one sweep) instead of eight
// times: its optimizer step went from ~111 to ~86 µs of CPU time
// (235k parameters, f32), a batch-1 training step from ~171 to ~150 µs.
// What is left is memory traffic (g, u, θ and the momentum trace stream
// from L3) and the gradient-norm pass, which must end before the clip scale
// is known. Since then u stays in scratch (Note [update buffers]), scales
// fold into neighbouring loops (Note [folded scales]) and the sums of squares
// use more lanes (optim/detail.cpp): the optimizer step is ~52 µs, ~10 µs
// of them the gradient norm and ~42 µs the sweep of three loops per chunk
// (copy + L2, momentum, apply + lr + Σ u²) on one 2.6 GHz core; each loop
// over the chunks costs ~5 µs per step (235k f32 at one 64-byte store per
// cycle), and Σ u² for StepReport::update_norm ~8 µs.
// A transform that needs the whole update first (clip_by_param_norm,
// adaptive_clip, accumulate, a clip after another transform) keeps its own
// pass and ends the run; the Chain copies the gradients before it if not done
// yet. If a prepare() throws or skips the step, the transforms before it in
// the run still sweep, so the state ends as after the unfused chain.
// OptimizerOptions::fuse = false turns all of this off: the reference that
// tests/optim/test_chain.cpp compares the fused path with, bit for bit.
//
// Note [update buffers]
// A sweep that also applies θ ← θ + u needs u only chunk by chunk, while
// the chunk is in L1. Writing it out to a full buffer per parameter costs a
// write of every element to memory (and, on most CPUs, a read of the line
// first), and nobody reads it again unless an after_step() hook does
// (decoupled_weight_decay without lr scaling reads u to recover θ_prev). So
// when the first sweep is also the last and applies the step, and no
// transform says reads_updates_after_step(), the sweep runs each chunk in one
// 16 KiB scratch buffer and leaves ctx.updates undefined: a hook that reads
// them anyway gets an error, never stale numbers. Same arithmetic, same bits;
// the sweep of the flagship chain (235k f32 parameters) went from ~60 to
// ~56 µs.
//
// Note [folded scales]
// Inside a sweep every transform is one more loop over the chunk in L1: a
// load, its arithmetic and a store per element. For u ← c·u that loop is
// nearly all load and store, and two such transforms sit where a loop is
// already running: the global-norm clip first (right after u ← g is copied
// in) and the learning rate last (right before θ ← θ + u). A transform that
// is a scale this step says so (scale_factor()); the sweep skips the ones
// that are 1 (a clip below its threshold, skip_nonfinite once the norm is
// finite), folds a first scale into the copy (u ← c·g) and, when u lives in
// scratch (Note [update buffers]), a last one into the apply (θ ← θ + c·u,
// Σ (c·u)²). A coupled L2 term (or lr-scaled decoupled decay) right after
// the copy says so too (value_coefficient()) and joins it: u ← c·g + λ·θ.
// Each element sees the same roundings in the same order (c·g, then + λ·θ;
// c·u, then θ + that), so the bits do not change.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "nn/parameter.hpp"
#include "optim/state_visitor.hpp"
#include "tensor/tensor.hpp"

namespace tg::optim {

/// Elements per chunk of a fused sweep (Note [fused update]): 8 KiB of f32 per buffer.
inline constexpr std::int64_t kFusedChunk = 2048;

/// Everything a transform sees during one step.
struct UpdateContext {
  /// The optimizer's parameters, in order.
  const nn::ParameterList& params;
  /// One per parameter: on entry the gradients, on exit the updates.
  /// Undefined where the parameter has no gradient. Contiguous, own memory.
  std::vector<Tensor> updates;
  /// Indices (into params) that have an update, in order. masked() narrows it.
  std::vector<std::size_t> active;
  /// Set by scale_by_learning_rate; read by proximal_l1 and the step report.
  double learning_rate = std::numeric_limits<double>::quiet_NaN();
  bool skip = false;     ///< skip_nonfinite: apply nothing, change no state
  bool defer = false;    ///< accumulate: micro-batch stored, apply nothing yet
  bool clipped = false;  ///< any clip transform scaled something
  std::int64_t consecutive_skips = 0;  ///< reported by skip_nonfinite

  // --- Note [fused update]; transforms other than Chain only read known_norm, in prepare() ---
  /// Whether the Chain may fuse (OptimizerOptions::fuse); false: one pass per transform.
  bool fuse = true;
  /// sqrt(Σ_active ‖updates_i‖²) when known without a pass, else NaN. Set by the
  /// Optimizer (the gradient norm) and by the Chain for each prepare(); NaN in update().
  double known_norm = std::numeric_limits<double>::quiet_NaN();
  /// Set by the Optimizer: updates[i] are allocated but not yet written; their
  /// value is gradients[i]. The Chain copies them (in its first sweep) before
  /// any transform reads ctx.updates.
  std::vector<Tensor> gradients{};
  /// Set by the Optimizer: whether after_step() reads ctx.updates. If not, a last
  /// sweep that applies the update may leave the updates unwritten and undefined
  /// (Note [update buffers]).
  bool keep_updates = true;
  /// Set by the Optimizer (not for tied parameters): the Chain may apply θ ← θ + u
  /// in its last sweep...
  bool may_apply = false;
  /// ...and sets this when it did, with Σ u² over the active parameters.
  bool applied = false;
  double applied_sum_squares = 0;  ///< Σ u² of the applied update (when `applied`)
};

/// One piece of one parameter, as an elementwise transform sees it in
/// update_chunk() (Note [fused update]). Pointers are to elements
/// [begin, begin + size) of the contiguous, flattened tensors.
struct Chunk {
  std::size_t param = 0;   ///< index into ctx.params, ctx.updates and per-parameter state
  std::int64_t begin = 0;  ///< first element of the piece
  std::int64_t size = 0;   ///< number of elements
  DType dtype = DType::f32;  ///< of the update, the parameter and its state (f32 or f64)
  void* update_data = nullptr;        ///< u, rewritten in place
  const void* value_data = nullptr;   ///< θ before the step (read only)

  /// u[begin, begin + size).
  template <class T> T* update() const { return static_cast<T*>(update_data); }
  /// θ[begin, begin + size), the value before this step.
  template <class T> const T* value() const { return static_cast<const T*>(value_data); }
  /// The same piece of a per-parameter state tensor (contiguous, the parameter's shape).
  template <class T> T* of(const Tensor& state) const { return state.data<T>() + begin; }
};

/// What a transform is, for the chain-order checks (optim/chain.hpp).
enum class TransformKind {
  other,             ///< no order constraint
  clip,              ///< clip_by_*, adaptive_clip
  learning_rate,     ///< scale_by_learning_rate
  coupled_l2,        ///< add_l2_to_grad
  adaptive_scaling,  ///< scale_by_adam / rms / adagrad
  accumulate,        ///< accumulate
  nonfinite_guard,   ///< skip_nonfinite
  needs_learning_rate,  ///< proximal_l1
};

class Transform;

/// The transforms one fused sweep runs, in order (Note [fused update]); built by
/// the Chain through Transform::fuse_into().
struct FusedRun {
  /// One transform of the run, with the parameters it applies to.
  struct Step {
    Transform* transform;       ///< the elementwise transform
    std::vector<bool> selected; ///< per parameter; empty: every parameter
    double known_norm;          ///< ctx.known_norm for its prepare()
  };
  std::vector<Step> steps;  ///< in order
  /// ‖updates‖ at this point of the run if known, else NaN (a step that may
  /// change the updates makes it NaN).
  double known_norm = std::numeric_limits<double>::quiet_NaN();
  /// Parameters the next step applies to (masked() sets it); empty: all.
  std::vector<bool> selection;
  /// Appends `t` as the next step; `changes_updates` false keeps known_norm.
  void add(Transform& t, bool changes_updates = true) {
    steps.push_back({&t, selection, known_norm});
    if (changes_updates) known_norm = std::numeric_limits<double>::quiet_NaN();
  }
};

/// A gradient transform (see the top of this file): one step of the optimizer's pipeline.
class Transform {
 public:
  virtual ~Transform() = default;
  /// The optax verb: "scale_by_adam", "clip_by_global_norm", ...
  virtual std::string name() const = 0;
  /// What it is, for the chain-order checks (optim/chain.hpp).
  virtual TransformKind kind() const { return TransformKind::other; }
  /// Allocates state for these parameters (called once by the Optimizer).
  virtual void init(const nn::ParameterList& params) { (void)params; }
  /// Rewrites ctx.updates[i] for i in ctx.active, in place.
  virtual void update(UpdateContext& ctx) = 0;
  /// Runs on the parameters after the update was added (Note [after-step hooks]).
  virtual void after_step(UpdateContext& ctx) { (void)ctx; }
  /// Whether after_step() reads ctx.updates (default false). Override it to say
  /// true if yours does: otherwise a fused sweep that applies the update keeps it
  /// in a chunk-sized scratch buffer only (Note [update buffers]), and
  /// after_step() finds ctx.updates undefined.
  virtual bool reads_updates_after_step() const { return false; }
  /// Lists the state for checkpoints (optim/state_visitor.hpp).
  virtual void visit_state(StateVisitor& visitor) { (void)visitor; }
  /// Nested transforms (chain, masked, accumulate), for the order checks.
  virtual std::vector<const Transform*> children() const { return {}; }

  // Fused path (Note [fused update]).
  /// Adds this step's update to `run` and returns true if it can run as
  /// prepare() + update_chunk(); false (the default) leaves `run` as it was
  /// or lets the caller restore it.
  virtual bool fuse_into(FusedRun& run) { (void)run; return false; }
  /// Once per step before any update_chunk(); ctx.active is narrowed as for update().
  virtual void prepare(UpdateContext& ctx) { (void)ctx; }
  /// The update on one piece of one parameter; may set ctx.clipped, nothing else of ctx.
  virtual void update_chunk(UpdateContext& ctx, const Chunk& chunk) { (void)ctx; (void)chunk; }
  /// After prepare(): c if update_chunk() is u ← c·u this step (c rounded to the
  /// update's dtype, as mul_ rounds it), 1 if it leaves u alone; NaN (the
  /// default) for anything else. Lets the sweep fold it into the copy of the
  /// gradient or into θ ← θ + u (Note [folded scales]).
  virtual double scale_factor() const { return std::numeric_limits<double>::quiet_NaN(); }
  /// After prepare(): λ if update_chunk() is u ← u + λ·θ on parameter `param`
  /// this step (λ rounded to the dtype, as detail::add_scaled_value rounds it);
  /// NaN (the default) otherwise. Lets the sweep fold it into the copy of the
  /// gradient (Note [folded scales]).
  virtual double value_coefficient(std::size_t param) const {
    (void)param;
    return std::numeric_limits<double>::quiet_NaN();
  }
};

/// Base of the transforms that are a loop over elements (Note [fused update]):
/// they write prepare() and update_chunk(), and update() runs those over
/// each whole active parameter.
class ElementwiseTransform : public Transform {
 public:
  void update(UpdateContext& ctx) final;
  bool fuse_into(FusedRun& run) override {
    run.add(*this);
    return true;
  }
};

/// Owning pointer to a transform (what the factories return).
using TransformPtr = std::unique_ptr<Transform>;

/// Which parameters a transform applies to (see optim/mask.hpp).
using Mask = std::function<bool(const nn::NamedParameter&)>;

/// The chunk of parameter `i` covering elements [begin, begin + size) of
/// ctx.updates[i] and its value (Note [fused update]).
Chunk make_chunk(const UpdateContext& ctx, std::size_t i, std::int64_t begin, std::int64_t size);

}  // namespace tg::optim
