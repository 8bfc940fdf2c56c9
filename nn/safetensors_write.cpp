// Writing safetensors files atomically (reading is in safetensors.cpp).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include "nn/safetensors.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

namespace {

constexpr bool kLittleEndianHost = std::endian::native == std::endian::little;
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

std::function<void(std::size_t)>& write_hook() {
  static std::function<void(std::size_t)> hook;
  return hook;
}

// A JSON string literal: quotes, backslashes and control characters escaped.
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += ch;
  }
  return out + "\"";
}

// The header JSON, padded with spaces to a multiple of 8 bytes as the
// reference writer does (so the data starts 8-byte aligned in the file).
std::string header_json(const NamedTensors& tensors,
                        const std::map<std::string, std::string>& metadata) {
  std::string h = "{";
  if (!metadata.empty()) {
    h += "\"__metadata__\":{";
    for (const auto& [key, value] : metadata) h += json_string(key) + ":" + json_string(value) + ",";
    h.back() = '}';
    h += ",";
  }
  std::uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    const std::uint64_t bytes = static_cast<std::uint64_t>(t.numel()) * dtype_size(t.dtype());
    h += json_string(name) + ":{\"dtype\":\"";
    h += t.dtype() == DType::f32 ? "F32" : t.dtype() == DType::f64 ? "F64" : "I64";
    h += "\",\"shape\":[";
    for (std::size_t d = 0; d < t.shape().size(); ++d) {
      if (d > 0) h += ',';
      h += std::to_string(t.shape()[d]);
    }
    h += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]},";
    offset += bytes;
  }
  if (h.size() > 1) h.pop_back();  // the last ','
  h += "}";
  h.append((8 - h.size() % 8) % 8, ' ');
  return h;
}

void check_tensors(const std::string& path, const NamedTensors& tensors) {
  std::set<std::string> seen;
  for (const auto& [name, t] : tensors) {
    if (name.empty() || name == "__metadata__")
      fail("save_safetensors: '", path, "': invalid tensor name '", name, "'");
    if (!seen.insert(name).second)
      fail("save_safetensors: '", path, "': two tensors are named '", name, "'");
    if (!t.defined()) fail("save_safetensors: '", path, "': tensor '", name, "' is undefined");
  }
}

// Note [stale temporaries]
// A process killed mid-save (SIGKILL, OOM killer, power loss) cannot delete
// its temporary "<target>.tmp.<pid>.<n>". Loads never see it: they open the
// target only. The next save to the same target removes the temporaries
// whose process no longer exists (kill(pid, 0) fails with ESRCH); those of
// live processes, this one included, may be saves in progress and are kept.
// A restarted job often gets the same pid again (containers), so a name
// that is taken is not an error: the next counter value is tried.
void remove_stale_temporaries(const std::string& target) {
  namespace fs = std::filesystem;
  const fs::path target_path(target);
  const std::string prefix = target_path.filename().string() + ".tmp.";
  const fs::path folder = target_path.has_parent_path() ? target_path.parent_path() : fs::path(".");
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    char* rest = nullptr;
    const long pid = std::strtol(name.c_str() + prefix.size(), &rest, 10);
    if (pid <= 0 || rest == nullptr || *rest != '.' || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) ::unlink(it->path().c_str());
  }
}

// Note [atomic write]
// The file is written under a temporary name in the same folder (rename is
// only atomic within one file system), flushed with fsync, renamed over the
// target, and the folder is fsynced so the rename itself survives a crash.
// Until commit() the destructor closes and deletes the temporary, whatever
// went wrong: the old file is never touched.
class TempFile {
 public:
  explicit TempFile(const std::string& target) : target_(target) {
    static std::atomic<unsigned> counter{0};
    remove_stale_temporaries(target);
    for (int attempt = 0; fd_ < 0 && attempt < 1000; ++attempt) {
      path_ = target + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd_ < 0 && errno != EEXIST) break;  // a name taken by a dead run: try the next
    }
    if (fd_ < 0) fail_io("cannot create a temporary file next to it");
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write(const char* data, std::size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd_, data, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) fail_io("write failed");
      data += w;
      n -= static_cast<std::size_t>(w);
      written_ += static_cast<std::size_t>(w);
    }
    if (write_hook()) write_hook()(written_);
  }

  void commit() {
    if (::fsync(fd_) != 0) fail_io("cannot flush the temporary file");
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail_io("cannot close the temporary file");
    if (::rename(path_.c_str(), target_.c_str()) != 0)
      fail_io("cannot rename the temporary file into place");
    committed_ = true;
    std::string folder = std::filesystem::path(target_).parent_path().string();
    const int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    // Some file systems cannot fsync a folder (EINVAL); the data itself is safe.
    if (dir >= 0) {
      const bool ok = ::fsync(dir) == 0 || errno == EINVAL;
      ::close(dir);
      if (!ok) fail_io("written, but the folder could not be synced");
    }
  }

 private:
  [[noreturn]] void fail_io(const char* what) const {
    fail("save_safetensors: '", target_, "': ", what, ": ", std::strerror(errno));
  }
  std::string target_, path_;
  int fd_ = -1;
  bool committed_ = false;
  std::size_t written_ = 0;
};

// Writes a tensor's elements, little endian, in chunks (the hook's cadence).
void write_data(TempFile& file, const Tensor& t) {
  const Tensor c = t.contiguous();
  const std::size_t itemsize = dtype_size(c.dtype());
  const std::size_t nbytes = static_cast<std::size_t>(c.numel()) * itemsize;
  const char* bytes = static_cast<const char*>(c.raw_data());
  std::string swapped;
  for (std::size_t done = 0; done < nbytes; done += kChunkBytes) {
    const std::size_t n = std::min(kChunkBytes, nbytes - done);
    if (kLittleEndianHost) {
      file.write(bytes + done, n);
    } else {
      swapped.assign(bytes + done, n);
      for (std::size_t i = 0; i < n; i += itemsize)
        std::reverse(swapped.begin() + i, swapped.begin() + i + itemsize);
      file.write(swapped.data(), n);
    }
  }
}

}  // namespace

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata) {
  check_tensors(path, tensors);
  const std::string header = header_json(tensors, metadata);
  char prefix[8];
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  TempFile file(path);
  file.write(prefix, 8);
  file.write(header.data(), header.size());
  for (const auto& [name, t] : tensors) write_data(file, t);
  file.commit();
}

namespace testing {
void set_safetensors_write_hook(std::function<void(std::size_t)> hook) {
  write_hook() = std::move(hook);
}
}  // namespace testing

}  // namespace tg::nn
