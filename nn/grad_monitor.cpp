#include "nn/grad_monitor.hpp"

#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <set>
#include <sstream>

#include "tensor/error.hpp"

namespace tg::nn {

namespace {

// ‖v‖₂ with the largest magnitude factored out, so that f64 gradients near
// 1e154 do not overflow in the squares (a monitor must report large norms).
double l2_norm(const std::vector<double>& v) {
  double scale = 0;
  for (double x : v) {
    if (!std::isfinite(x)) return std::isnan(x) ? x : std::abs(x);
    scale = std::max(scale, std::abs(x));
  }
  if (scale == 0) return 0;
  double s = 0;
  for (double x : v) s += (x / scale) * (x / scale);
  return scale * std::sqrt(s);
}

double global_norm(const std::vector<double>& norms) { return l2_norm(norms); }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csv_header(const std::vector<std::string>& names) {
  std::string line = "step";
  for (const std::string& n : names) line += "," + csv_field(n);
  return line + ",global\n";
}

std::string csv_row(std::int64_t step, const std::vector<double>& row) {
  std::ostringstream os;
  os << step << std::setprecision(9);
  for (double v : row) os << ',' << v;
  os << '\n';
  return os.str();
}

// A string literal for a gnuplot script: single quotes, '' inside.
std::string gnuplot_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// A path quoted for /bin/sh.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

GradMonitor::GradMonitor(ParameterList params, GradMonitorOptions options)
    : params_(std::move(params)), csv_path_(std::move(options.csv_path)) {
  std::set<std::string> seen;
  for (const NamedParameter& p : params_) {
    if (!p.var.defined() || !p.var.requires_grad())
      fail("GradMonitor: parameter '", p.name, "' does not require a gradient");
    if (!seen.insert(p.name).second) fail("GradMonitor: two parameters are named '", p.name, "'");
    names_.push_back(p.name);
  }
  if (!csv_path_.empty()) {
    csv_ = std::make_unique<std::ofstream>(csv_path_, std::ios::trunc);
    if (!*csv_) fail("GradMonitor: cannot open '", csv_path_, "' for writing");
    *csv_ << csv_header(names_) << std::flush;
  }
}

GradMonitor::~GradMonitor() = default;

const std::vector<double>& GradMonitor::record(std::int64_t step) {
  std::vector<double> row;
  row.reserve(params_.size() + 1);
  for (const NamedParameter& p : params_) {
    const Var g = p.var.grad();
    row.push_back(g.defined() ? l2_norm(g.value().to_double_vector()) : 0.0);
  }
  row.push_back(global_norm(row));
  steps_.push_back(step);
  rows_.push_back(std::move(row));
  if (csv_) {
    // Flushed per row: the history survives a crash at the next step.
    *csv_ << csv_row(step, rows_.back()) << std::flush;
    if (!*csv_) fail("GradMonitor: writing '", csv_path_, "' failed");
  }
  return rows_.back();
}

std::vector<double> GradMonitor::series(const std::string& name) const {
  for (std::size_t j = 0; j < names_.size(); ++j) {
    if (names_[j] != name) continue;
    std::vector<double> out;
    for (const auto& row : rows_) out.push_back(row[j]);
    return out;
  }
  std::string known;
  for (const std::string& n : names_) known += (known.empty() ? "" : ", ") + n;
  fail("GradMonitor::series: no parameter named '", name, "' (known: ", known, ")");
}

std::string GradMonitor::to_csv() const {
  std::string out = csv_header(names_);
  for (std::size_t i = 0; i < rows_.size(); ++i) out += csv_row(steps_[i], rows_[i]);
  return out;
}

void GradMonitor::write_csv(const std::string& path) const {
  std::ofstream f(path, std::ios::trunc);
  f << to_csv();
  if (!f) fail("GradMonitor::write_csv: cannot write '", path, "'");
}

bool GradMonitor::plot(const std::string& png_path, const GradPlotOptions& options) const {
  if (rows_.empty()) return false;
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) return false;
  const std::string data = png_path + ".csv";
  const std::string script = png_path + ".gp";
  write_csv(data);
  const std::size_t last = names_.size() + 1;  // columns: step, params..., global
  std::ofstream gp(script, std::ios::trunc);
  gp << "set terminal pngcairo size " << options.width << ',' << options.height
     << " noenhanced\n"
     << "set output " << gnuplot_string(png_path) << "\n"
     << "set datafile separator ','\n"
     << "set title " << gnuplot_string(options.title) << "\n"
     << "set xlabel 'step'\nset ylabel '||grad||_2'\nset key outside right\nset grid\n"
     << (options.log_scale ? "set logscale y\n" : "")
     << "plot for [i=2:" << last << "] " << gnuplot_string(data)
     << " using 1:i with lines lw 2 title columnheader(i)";
  if (options.include_global)
    gp << ", " << gnuplot_string(data) << " using 1:" << last + 1
       << " with lines dt 2 lw 2 lc rgb 'black' title 'global'";
  gp << "\n";
  gp.close();
  if (!gp) fail("GradMonitor::plot: cannot write '", script, "'");
  const int rc = std::system(("gnuplot " + shell_quote(script) + " 2>&1").c_str());
  if (rc != 0) fail("GradMonitor::plot: gnuplot failed on '", script, "' (exit status ", rc, ")");
  return true;
}

}  // namespace tg::nn
