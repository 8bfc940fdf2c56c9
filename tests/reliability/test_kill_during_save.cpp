// Nothing lost: a checkpoint save killed at any moment leaves the old or the
// new checkpoint, complete and loadable, never a mix.
//
// A child process (fork) saves the same model over and over to one path,
// each save with every element set to that save's generation number, and
// is killed with SIGKILL after a random delay. The parent then loads the
// path: the load must succeed and every element of every tensor must hold
// the same generation, at least the one the parent last saw. Temporaries a
// killed save leaves behind are never read by a load, and the next save
// removes them (Note [stale temporaries] in nn/safetensors_write.cpp).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "nn/checkpoint.hpp"
#include "nn/linear.hpp"
#include "nn/sequential.hpp"
#include "tensor/error.hpp"

using namespace tg;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("tapegrad_kill_save_" + std::to_string(::getpid()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::set<std::string> entries() const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(path)) out.insert(e.path().filename().string());
    return out;
  }
};

// About 0.6 MB of f32 parameters in three tensors of different sizes, so a
// save is several write() calls with room to be killed between them.
std::unique_ptr<nn::Sequential> model() {
  return std::make_unique<nn::Sequential>(std::make_shared<nn::Linear>(384, 384, nn::LinearOptions{.seed = 1}),
                                          std::make_shared<nn::Linear>(384, 10, nn::LinearOptions{.seed = 2}));
}

// Every element of every parameter set to `value`, with plain stores (no
// kernels, so no OpenMP in a forked child).
void fill(nn::Module& m, float value) {
  for (const nn::NamedParameter& p : m.named_parameters()) {
    float* data = p.var.value().data<float>();
    std::fill(data, data + p.var.numel(), value);
  }
}

// The one value every element holds, or NaN if they differ (a mixed file).
double uniform_value(const nn::Module& m) {
  double value = m.named_parameters()[0].var.value().data<float>()[0];
  for (const nn::NamedParameter& p : m.named_parameters()) {
    const float* data = p.var.value().data<float>();
    for (std::int64_t i = 0; i < p.var.numel(); ++i)
      if (data[i] != value) return std::nan("");
  }
  return value;
}

// The child's loop: `m` was built by the parent before fork (building one
// costs more than a save), so the child is saving within microseconds.
[[noreturn]] void save_forever(nn::Module& m, const std::string& path, float first_generation) {
  try {
    for (float g = first_generation;; g += 1) {
      fill(m, g);
      nn::save(m, path);
    }
  } catch (...) {
    ::_exit(3);  // a save failed: the parent sees the exit status
  }
}

}  // namespace

TEST_CASE("reliability: a checkpoint save killed at any moment leaves the old or the new file") {
  TempDir dir;
  const std::string path = (dir.path / "model.safetensors").string();
  auto m = model();
  fill(*m, 0);
  // The kill delays span a few saves, so they land before, inside and
  // between saves; measured here, as disks differ by orders of magnitude.
  const auto start = std::chrono::steady_clock::now();
  for (int k = 0; k < 3; ++k) nn::save(*m, path);
  const auto per_save = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - start).count() / 3;
  const std::int64_t max_delay_us = std::max<std::int64_t>(1000, 4 * per_save);

  std::mt19937 rng(20240607);
  constexpr int kTrials = 60;
  auto loaded = model();
  double last = 0;  // the generation on disk before this trial
  int advanced = 0, left_temporaries = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    CAPTURE(trial);
    // Generations of trial t start at t * 1e4 + 1: each complete file names
    // the trial and the save that wrote it (exact in f32 below 2^24).
    const float first = static_cast<float>(trial * 10000 + 1);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) save_forever(*m, path, first);
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % max_delay_us));
    ::kill(child, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE_MESSAGE(WIFSIGNALED(status), "the child stopped by itself (a save failed), status " << status);

    fill(*loaded, -2);
    REQUIRE_NOTHROW(nn::load(*loaded, path));
    const double g = uniform_value(*loaded);
    CHECK_MESSAGE(g == g, "a mix of two checkpoints");
    // The old file (the last generation the parent saw) or a new one of this child.
    CHECK((g == last || (g >= first && g < first + 10000)));
    if (g != last) ++advanced;
    last = g;
    if (dir.entries().size() > 1) ++left_temporaries;
  }
  MESSAGE(advanced << " of " << kTrials << " trials replaced the file, " << left_temporaries
                   << " left a temporary behind (saves take ~" << per_save << " us)");
  CHECK(advanced > 0);  // saves did complete: both outcomes were exercised

  // Whatever temporaries the killed saves left, the next save removes them.
  fill(*m, -1);
  nn::save(*m, path);
  CHECK(dir.entries() == std::set<std::string>{"model.safetensors"});
  nn::load(*loaded, path);
  CHECK(uniform_value(*loaded) == -1);
}

TEST_CASE("reliability: temporaries of dead saves are ignored by load and removed by the next save") {
  TempDir dir;
  const std::string path = (dir.path / "ckpt.safetensors").string();
  auto m = model();
  fill(*m, 7);
  nn::save(*m, path);

  // A pid that is certainly dead: a child that has exited and been reaped.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  REQUIRE(::waitpid(child, nullptr, 0) == child);
  const std::string dead = path + ".tmp." + std::to_string(child) + ".0";
  std::ofstream(dead) << "half a checkpoint";
  // Names this process might pick (pid reused after a crash): the save
  // must step over them, not fail.
  const std::string mine = path + ".tmp." + std::to_string(::getpid()) + ".";
  for (int k = 0; k < 200; ++k) std::ofstream(mine + std::to_string(k)) << "stale";

  auto loaded = model();
  nn::load(*loaded, path);  // the temporaries are not looked at
  CHECK(uniform_value(*loaded) == 7);

  fill(*m, 8);
  REQUIRE_NOTHROW(nn::save(*m, path));
  CHECK_FALSE(fs::exists(dead));  // its process is gone: removed
  CHECK(fs::exists(mine + "0"));  // a live process's temporaries are kept (it may be saving)
  nn::load(*loaded, path);
  CHECK(uniform_value(*loaded) == 8);
}
