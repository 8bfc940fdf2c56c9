// data/idx.hpp — reading IDX files, the format of MNIST and Fashion-MNIST.
//
//   tg::Tensor images = tg::data::read_idx("t10k-images-idx3-ubyte.gz");   // [10000, 28, 28] f32, 0..255
//   tg::Tensor labels = tg::data::read_idx("t10k-labels-idx1-ubyte.gz", tg::DType::i64);
//
// Format (LeCun, Cortes & Burges, http://yann.lecun.com/exdb/mnist/): a
// 4-byte magic number — two zero bytes, a type code, the number of
// dimensions — then each dimension as a 4-byte big-endian unsigned integer,
// then the elements in row-major order. MNIST labels have magic 0x00000801
// (u8, 1 dimension), images 0x00000803 (u8, 3 dimensions).
//
// The file may be gzip-compressed, as the files are distributed, or plain:
// zlib recognises the gzip magic (1f 8b) and otherwise reads the bytes as
// they are, so both work with the same call.
//
// Values are returned raw (0..255), converted exactly to `dtype`; scaling to
// [0, 1] and normalising are explicit steps (load_mnist's options,
// data/normalize.hpp).
//
// Only type code 0x08 (unsigned byte) is supported: it is the one every
// MNIST-format dataset uses. Throws tg::Error naming the file and the problem:
// a missing file or a folder, a corrupt gzip stream, a magic number that does
// not start with two zero bytes, another type code, 0 dimensions, more than
// kIdxMaxElements elements, a header or data shorter than the header promises
// (truncated), and bytes after the data (trailing garbage is an error rather
// than ignored: it means the file is not what its header says). In a gzip
// file this concerns the decompressed bytes; zlib itself skips anything after
// the end of the compressed stream, as gunzip does.
#pragma once

#include <cstdint>
#include <string>

#include "tensor/tensor.hpp"

namespace tg::data {

/// The largest element count read_idx accepts (2^31, 8 GiB as f32); larger
/// headers are taken as corrupt. MNIST's training images hold 47,040,000.
/// A zero extent counts as 1 here, so [0, 2^32-1, 2^32-1] is refused too.
inline constexpr std::int64_t kIdxMaxElements = std::int64_t{1} << 31;

/// The tensor stored in the IDX file at `path`, with the file's dimensions,
/// as `dtype` (f32, f64 or i64; u8 values convert exactly to each).
Tensor read_idx(const std::string& path, DType dtype = DType::f32);

/// The same from the bytes of an IDX file in memory (plain, or gzip if they
/// start with 1f 8b; bytes after the first gzip member are ignored). `name`
/// stands for the file in errors: "parse_idx: '<name>': ...". For fuzzing
/// and for files that arrive some other way than from disk.
Tensor parse_idx(const std::string& bytes, const std::string& name = "<memory>",
                 DType dtype = DType::f32);

}  // namespace tg::data
