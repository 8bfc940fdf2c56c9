// libFuzzer target: the IDX reader (MNIST's format) on arbitrary bytes,
// plain or gzip-compressed. The contract under test: parse_idx either returns
// a tensor whose element count is exactly the data the header promised, or
// throws tg::Error. Any other exception, a crash, or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "data/idx.hpp"
#include "tensor/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const tg::Tensor t = tg::data::parse_idx(bytes, "fuzz.idx");
    const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    // A plain file holds exactly magic, dimensions and data: nothing else.
    if (!gzip && static_cast<std::int64_t>(size) != 4 + 4 * t.dim() + t.numel()) std::abort();
    for (double v : t.to_double_vector())  // raw bytes: integers 0..255
      if (!(v >= 0 && v <= 255 && v == static_cast<int>(v))) std::abort();
  } catch (const tg::Error&) {
  }
  return 0;
}
