// nn/grad_monitor.hpp — per-parameter gradient norms over a training run.
//
// A GradMonitor watches a list of named parameters. Call record(step) after
// backward() and before the optimizer step or zero_grad(): it reads every
// parameter's grad() and stores its L2 norm, plus the global norm
//
//   ‖g‖ = sqrt(Σ_p ‖g_p‖²)       (the number clip_by_global_norm compares)
//
// as one row. Rows can be streamed to a CSV file as they are recorded (so a
// run that crashes or goes NaN keeps its history up to the bad step), and
// plotted with gnuplot, one line per parameter on a log scale: a layer whose
// gradient grows by orders of magnitude while the others stay flat is the
// picture of an exploding (or vanishing) gradient.
//
//   tg::nn::GradMonitor monitor(model.named_parameters(), {.csv_path = "grads.csv"});
//   for (std::int64_t step = 0; step < steps; ++step) {
//     opt.zero_grad();
//     loss(model, batch).backward();
//     monitor.record(step);
//     opt.step();
//   }
//   monitor.plot("grads.png");   // needs gnuplot on the PATH; returns false without it
//
// CSV layout: a header `step,<name 1>,...,<name n>,global`, then one line
// per record(). A parameter without a gradient (unused this step) is
// written as 0, as in optim::StepReport::param_grad_norms; a gradient that
// holds NaN or ±inf gives `nan` / `inf`. Names that contain a comma or a
// quote are quoted as RFC 4180 says.
//
// Throws tg::Error for a parameter that is undefined or does not require a
// gradient (naming it), for two parameters of the same name, and when the
// CSV file cannot be opened or written.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "nn/parameter.hpp"

namespace tg::nn {

/// Options of GradMonitor.
struct GradMonitorOptions {
  /// Stream every recorded row to this file (created or truncated); empty:
  /// keep rows in memory only (to_csv() / write_csv() still work).
  std::string csv_path;
};

/// How plot() draws the recorded norms.
struct GradPlotOptions {
  std::string title = "gradient norm per parameter";  ///< the plot's title
  int width = 800;   ///< pixels
  int height = 480;  ///< pixels
  bool log_scale = true;        ///< norms span orders of magnitude
  bool include_global = true;   ///< also draw the global norm (dashed)
};

/// Per-parameter gradient norms over a training run, kept in memory and
/// optionally streamed to CSV (see the top of nn/grad_monitor.hpp).
///
/// Each record() stores one row: the L2 norm of every parameter's grad()
/// (0 for a parameter without a gradient; nan or inf if the gradient holds
/// them), then the global norm sqrt(sum_p |g_p|^2).
class GradMonitor {
 public:
  /// Watches `params` (columns in their order). With options.csv_path, creates
  /// or truncates that file and writes the header. Throws tg::Error for a
  /// parameter that is undefined or does not require a gradient, two
  /// parameters of the same name, or a CSV file that cannot be opened.
  explicit GradMonitor(ParameterList params, GradMonitorOptions options = {});
  ~GradMonitor();
  GradMonitor(const GradMonitor&) = delete;
  GradMonitor& operator=(const GradMonitor&) = delete;

  /// Reads the current gradients and appends one row (per-parameter norms,
  /// then the global norm); returns that row.
  /// With a CSV file, also writes and flushes the row; throws tg::Error if
  /// that write fails.
  const std::vector<double>& record(std::int64_t step);

  /// Parameter names, in column order.
  const std::vector<std::string>& names() const { return names_; }
  /// The step given to each record() call.
  const std::vector<std::int64_t>& steps() const { return steps_; }
  /// One row per record(): the norm of each parameter, then the global norm.
  const std::vector<std::vector<double>>& rows() const { return rows_; }
  /// The norms of one parameter (by name) over all recorded steps; throws
  /// for an unknown name, listing the known ones.
  std::vector<double> series(const std::string& name) const;

  /// The whole history as CSV text (the layout above).
  std::string to_csv() const;
  /// Writes to_csv() to `path` (throws if it cannot be written).
  void write_csv(const std::string& path) const;

  /// Renders the history with gnuplot into a PNG at `png_path`. Returns false
  /// (and writes nothing) when gnuplot is not installed or nothing has been
  /// recorded; throws when gnuplot runs and fails. The gnuplot script is kept
  /// next to the PNG (`<png_path>.gp`, data in `<png_path>.csv`) so the
  /// figure can be restyled by hand.
  bool plot(const std::string& png_path, const GradPlotOptions& options = {}) const;

 private:
  ParameterList params_;
  std::vector<std::string> names_;
  std::vector<std::int64_t> steps_;
  std::vector<std::vector<double>> rows_;
  std::string csv_path_;
  std::unique_ptr<std::ofstream> csv_;
};

}  // namespace tg::nn
