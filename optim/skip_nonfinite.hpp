// optim/skip_nonfinite.hpp — the non-finite guard: skip a step whose gradient has NaN or Inf.
//
// If any update element is NaN or ±inf, the step is skipped: the chain stops
// here, the Optimizer applies nothing, and no later transform runs, so the
// parameters and every other transform's state stay bitwise unchanged (put it
// first; the chain-order check warns otherwise). Only this transform's
// counters advance. A finite step resets the consecutive count.
//
// After `max_consecutive` skipped steps in a row, the next non-finite step
// throws tg::Error naming the first non-finite parameter of that step:
//   "skip_nonfinite: 4 consecutive steps with non-finite gradients
//    (max_consecutive = 3); first non-finite parameter: 'fc1.weight' ..."
// (the loss-scale backoff of mixed-precision training, torch.cuda.amp.GradScaler,
// skips the same way; optax.apply_if_finite is the same idea).
// Throws tg::Error for max_consecutive < 0.
#pragma once

#include "optim/transform.hpp"

namespace tg::optim {

/// State of skip_nonfinite().
struct SkipState {
  std::int64_t consecutive = 0;  ///< skipped steps in a row
  std::int64_t total = 0;        ///< skipped steps overall
};

/// The non-finite guard; build it with skip_nonfinite().
class SkipNonfinite : public Transform {
 public:
  /// @throws tg::Error as skip_nonfinite() does.
  explicit SkipNonfinite(std::int64_t max_consecutive);
  std::string name() const override { return "skip_nonfinite"; }
  TransformKind kind() const override { return TransformKind::nonfinite_guard; }
  /// Scans the updates; sets ctx.skip on a NaN or ±inf.
  /// @throws tg::Error once more than max_consecutive steps in a row were skipped.
  void update(UpdateContext& ctx) override;
  /// Fuses when ctx.known_norm will be finite (Note [fused update] in
  /// optim/transform.hpp): a finite Σ u² means every element is finite.
  bool fuse_into(FusedRun& run) override;
  /// The finite case of update(), without the scan.
  void prepare(UpdateContext& ctx) override;
  /// 1: fused, it has nothing to do per element (Note [folded scales]).
  double scale_factor() const override { return 1.0; }
  void visit_state(StateVisitor& visitor) override;
  /// The counters, for inspection.
  const SkipState& state() const { return state_; }

 private:
  void finite_step(UpdateContext& ctx);
  std::int64_t max_consecutive_;
  SkipState state_;
};

/// Skips every step whose updates hold a NaN or ±inf (see the top of this file);
/// throws after more than `max_consecutive` of them in a row.
/// @throws tg::Error for max_consecutive < 0.
TransformPtr skip_nonfinite(std::int64_t max_consecutive = 10);

}  // namespace tg::optim
