// nn/checkpoint.hpp — saving and restoring a Module's tensors.
//
// A checkpoint is a safetensors file (nn/safetensors.hpp) holding every
// parameter and buffer of a module under its dotted name ("fc1.weight",
// "bn.running_mean"), as PyTorch's state_dict does; torch, JAX and NumPy can
// read it (see tests/reference/read_checkpoint.py for a NumPy-only reader).
//
//   tg::nn::save(model, "model.safetensors");
//   ...
//   tg::nn::load(model, "model.safetensors");   // strict: names must match exactly
//
// load() copies the values *into the existing tensors*, in place and without
// recording on the tape, so everything that holds the parameter Vars (an
// optimizer, a gradient monitor, a hook) keeps working with the new values.
// It checks everything first and copies only when all checks pass, so a
// failed load leaves the module unchanged. Optimizer state is not saved here.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace tg::nn {

/// What a non-strict load did not match (PyTorch's _IncompatibleKeys).
struct LoadResult {
  std::vector<std::string> missing;     ///< in the module, not in the file (left unchanged)
  std::vector<std::string> unexpected;  ///< in the file, not in the module (ignored)
};

/// Writes every parameter and buffer of `module` to `path` atomically, with
/// `metadata` plus {"format": "tapegrad"} unless it sets "format".
/// Throws what save_safetensors throws.
void save(const Module& module, const std::string& path,
          const std::map<std::string, std::string>& metadata = {});

/// Restores parameters and buffers from `path`. With `strict`, a name in the
/// module but not in the file, or in the file but not in the module, is an
/// error listing all such names; without it they are returned. A shape or
/// dtype mismatch is always an error naming the tensor, the expected and the
/// found shape/dtype. Throws what load_safetensors throws for a bad file.
/// Every check happens before any copy, so a load that throws leaves the
/// module unchanged; values are copied in place into the existing tensors,
/// without recording on the tape.
LoadResult load(Module& module, const std::string& path, bool strict = true);

}  // namespace tg::nn
