// nn/safetensors.hpp — reading and writing named tensors in the safetensors format.
//
// The format (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length N, N bytes of JSON
//   {"fc1.weight": {"dtype": "F32", "shape": [128, 784], "data_offsets": [0, 401408]},
//    "__metadata__": {"format": "tapegrad"}, ...}
// then the raw little-endian tensor bytes, each tensor at its offsets. Nothing
// in it can execute code when loaded, and PyTorch, JAX and NumPy can read it.
//
// Writes are atomic: a temporary file in the same folder, fsync, rename, fsync
// of the folder, so a crash leaves either the old file or the new one. A
// process killed mid-save leaves its temporary "<path>.tmp.<pid>.<n>" behind;
// loads never read it, and the next save to the same path removes it once
// that process is gone (Note [stale temporaries] in safetensors_write.cpp).
// Reads validate everything and throw tg::Error naming the file and tensor.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.hpp"

namespace tg::nn {

/// Tensors with their names, in order.
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

/// Writes `tensors` (names unique) and string `metadata` to `path` atomically.
/// Throws tg::Error, naming the file, for an empty name or the name
/// "__metadata__", two tensors of the same name, an undefined tensor, or an
/// I/O failure (one before the rename leaves the target untouched).
void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});

/// The contents of a safetensors file.
struct SafetensorsFile {
  NamedTensors tensors;  ///< in file order (by data offset)
  std::map<std::string, std::string> metadata;  ///< the "__metadata__" strings (empty if none)
};

/// Reads and validates a whole file. Throws tg::Error, naming the file (and
/// the tensor, where there is one), for a file that cannot be read or is not
/// valid safetensors: a truncated file, a bad header length or JSON header,
/// an unknown or unsupported dtype, offsets that do not match the shapes,
/// or data that the tensors do not cover exactly.
SafetensorsFile load_safetensors(const std::string& path);
/// The same from bytes in memory; `name` is used in error messages (fuzzing).
SafetensorsFile parse_safetensors(const std::string& bytes, const std::string& name = "<memory>");

namespace testing {
/// Test-only failure injection: while set, save_safetensors calls `hook`
/// with the number of bytes written so far after each chunk it writes to the
/// temporary file; a hook that throws simulates a failure midway (the write
/// is abandoned, the temporary removed, the target left untouched). Pass an
/// empty function to remove it. Not thread-safe; not for production use.
void set_safetensors_write_hook(std::function<void(std::size_t bytes_written)> hook);
}  // namespace testing

}  // namespace tg::nn
