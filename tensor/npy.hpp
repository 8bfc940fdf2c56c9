// tensor/npy.hpp — reading and writing NumPy .npy files (format 1.0-3.0).
//
// Reads f32 ('<f4'), f64 ('<f8') and i64 ('<i8'), C or Fortran order (big
// endian is byte-swapped; a Fortran-order file loads as a column-major view,
// as NumPy does, so it is not is_contiguous()); writes C order, little
// endian, version 1.0 (2.0 when the header would not fit in 64 KiB),
// atomically (temporary file, then rename).
// A malformed file raises tg::Error naming the file and the problem: wrong
// magic, truncated data, header longer than the file, unsupported or object
// dtype ('|O', pickled data is never loaded), bad shape.
// Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#pragma once

#include <string>

#include "tensor/tensor.hpp"

namespace tg {

/// Reads the .npy file at `path` into a new tensor (its shape and dtype).
/// @throws tg::Error naming the file if it cannot be read or is malformed
///         (see the list above).
Tensor load_npy(const std::string& path);
/// Writes `x` (any strides; saved in C order) to `path`, replacing it atomically.
/// @throws tg::Error if x is undefined, or (naming the file and errno) if the
///         temporary file cannot be created, written, flushed or renamed into
///         place (the temporary file is removed).
void save_npy(const std::string& path, const Tensor& x);
/// Parses an in-memory .npy image; `name` is used in error messages.
/// @throws tg::Error if the image is malformed, as load_npy.
Tensor parse_npy(const std::string& bytes, const std::string& name = "<memory>");
/// Serialises to an in-memory .npy image (the bytes save_npy writes).
/// @throws tg::Error if x is undefined.
std::string to_npy_bytes(const Tensor& x);

}  // namespace tg
