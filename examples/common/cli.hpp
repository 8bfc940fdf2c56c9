// examples/common/cli.hpp — what every example needs around its model, and
// nothing more: flags, a progress line, a metrics CSV and the `result:` line.
//
//   cli::Flags flags("fashion_mnist", "an MLP on Fashion-MNIST");
//   flags.add("--epochs", epochs, "passes over the training set");
//   flags.parse(argc, argv);               // --help prints usage; a bad flag throws tg::Error
//
//   cli::Progress progress("epoch 1/10", num_batches);
//   progress.update(i + 1, "loss 0.512");  // "\r" line with an ETA, only on a terminal
//   progress.finish();
//
//   cli::Csv csv(path, {"epoch", "train_loss"});   // no path: writes nothing
//   csv.row({1, 0.51});
//
//   cli::Result result;
//   result.add("test_accuracy", 0.88);
//   result.print();                         // "result: test_accuracy=0.88"
//
// Header-only so each example stays one file plus this one.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "tensor/error.hpp"

namespace cli {

// ------------------------------------------------------------------ flags

/// `--name value` flags bound to variables; a bool flag takes no value.
class Flags {
 public:
  Flags(std::string program, std::string summary)
      : program_(std::move(program)), summary_(std::move(summary)) {}

  template <class T>
  void add(const std::string& name, T& target, const std::string& help) {
    std::ostringstream def;
    def << target;
    flags_.push_back({name, help, def.str(), Target(&target)});
  }

  /// Reads argv into the bound variables. `--help` prints usage and exits 0;
  /// an unknown flag, a missing value or a malformed number throws tg::Error.
  void parse(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        std::cout << usage();
        std::exit(0);
      }
      Flag* flag = find(arg);
      if (!flag) tg::fail(program_, ": unknown flag '", arg, "' (see --help)");
      if (auto* b = std::get_if<bool*>(&flag->target)) {
        **b = true;
        continue;
      }
      if (i + 1 >= argc) tg::fail(program_, ": flag ", arg, " needs a value");
      set(*flag, argv[++i]);
    }
  }

  std::string usage() const {
    std::ostringstream os;
    os << "usage: " << program_ << " [flags]\n  " << summary_ << "\n\nflags:\n";
    for (const Flag& f : flags_) {
      const bool is_bool = std::holds_alternative<bool*>(f.target);
      os << "  " << std::left << std::setw(20) << (f.name + (is_bool ? "" : " X")) << f.help;
      if (!is_bool && !f.default_value.empty()) os << " (default " << f.default_value << ")";
      os << "\n";
    }
    return os.str();
  }

 private:
  using Target = std::variant<bool*, int*, std::int64_t*, double*, std::string*>;
  struct Flag {
    std::string name, help, default_value;
    Target target;
  };

  Flag* find(const std::string& name) {
    for (Flag& f : flags_)
      if (f.name == name) return &f;
    return nullptr;
  }

  void set(Flag& flag, const std::string& text) {
    if (auto* s = std::get_if<std::string*>(&flag.target)) {
      **s = text;
      return;
    }
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0')
      tg::fail(program_, ": flag ", flag.name, " expects a number, got '", text, "'");
    if (auto* d = std::get_if<double*>(&flag.target)) {
      **d = value;
      return;
    }
    if (value != static_cast<double>(static_cast<std::int64_t>(value)))
      tg::fail(program_, ": flag ", flag.name, " expects a whole number, got '", text, "'");
    if (auto* n = std::get_if<int*>(&flag.target)) **n = static_cast<int>(value);
    if (auto* n = std::get_if<std::int64_t*>(&flag.target)) **n = static_cast<std::int64_t>(value);
  }

  std::string program_, summary_;
  std::vector<Flag> flags_;
};

// --------------------------------------------------------------- progress

inline bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) != 0; }

/// "[label] 234/469  loss 0.512  ETA 0:12", rewritten in place with "\r"
/// at most ten times a second, when stdout is a terminal; silent otherwise
/// (a log file gets the plain lines the example prints itself).
class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  Progress(std::string label, std::int64_t total)
      : label_(std::move(label)), total_(total), start_(Clock::now()), live_(stdout_is_terminal()) {}

  void update(std::int64_t done, const std::string& extra = "") {
    if (!live_) return;
    const auto now = Clock::now();
    if (done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = done > 0 ? elapsed / static_cast<double>(done) * static_cast<double>(total_ - done) : 0;
    std::ostringstream line;
    line << "[" << label_ << "] " << done << "/" << total_ << "  " << extra << "  ETA " << clock(eta);
    std::cout << "\r" << line.str() << "\033[K" << std::flush;  // \033[K: clear to end of line
  }

  /// Clears the progress line, so the next output starts on a clean line.
  void finish() {
    if (live_) std::cout << "\r\033[K" << std::flush;
  }

  /// Seconds since construction.
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  static std::string clock(double seconds) {
    const auto s = static_cast<std::int64_t>(seconds + 0.5);
    std::ostringstream os;
    os << s / 60 << ":" << std::setw(2) << std::setfill('0') << s % 60;
    return os.str();
  }

  std::string label_;
  std::int64_t total_;
  Clock::time_point start_, last_{};
  bool live_;
};

/// Wall-clock seconds since construction.
class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// -------------------------------------------------------------------- csv

/// A CSV file with a header row; with an empty path it writes nothing.
class Csv {
 public:
  using Cell = std::variant<std::int64_t, double, std::string>;

  Csv(const std::string& path, const std::vector<std::string>& header) {
    if (path.empty()) return;
    out_.open(path);
    if (!out_) tg::fail("cannot open metrics file '", path, "' for writing");
    write(std::vector<Cell>(header.begin(), header.end()));
  }

  void row(const std::vector<Cell>& cells) {
    if (out_.is_open()) write(cells);
  }

 private:
  void write(const std::vector<Cell>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) out_ << ",";
      std::visit([this](const auto& v) { out_ << v; }, cells[i]);
    }
    out_ << "\n" << std::flush;
  }
  std::ofstream out_;
};

// ----------------------------------------------------------------- result

/// The last line of every example: `result: key=value key=value ...`, easy
/// to grep and to parse (split on spaces, then on '=').
class Result {
 public:
  template <class T>
  Result& add(const std::string& key, const T& value) {
    std::ostringstream os;
    os << std::setprecision(6) << value;
    line_ << " " << key << "=" << os.str();
    return *this;
  }
  std::string str() const { return "result:" + line_.str(); }
  void print() const { std::cout << str() << std::endl; }

 private:
  std::ostringstream line_;
};

}  // namespace cli
