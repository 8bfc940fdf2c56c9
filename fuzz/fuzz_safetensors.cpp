// libFuzzer target: the safetensors reader on arbitrary bytes.
// The contract under test: parse_safetensors either returns tensors that
// tile the data exactly, or throws tg::Error. Any other exception, a crash,
// or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "nn/safetensors.hpp"
#include "tensor/dtype.hpp"
#include "tensor/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const tg::nn::SafetensorsFile file = tg::nn::parse_safetensors(bytes, "fuzz.safetensors");
    // The tensors cover the data exactly (Note [safetensors layout]), so
    // their byte counts add up to what follows the header.
    std::uint64_t header = 0;
    for (int i = 7; i >= 0; --i) header = (header << 8) | data[i];
    std::uint64_t covered = 0;
    volatile double sink = 0;
    for (const auto& [name, t] : file.tensors) {
      if (name.empty() || name == "__metadata__") std::abort();
      covered += static_cast<std::uint64_t>(t.numel()) * tg::dtype_size(t.dtype());
      for (double v : t.to_double_vector()) sink = sink + v;  // touch every element
    }
    if (covered != size - 8 - header) std::abort();
  } catch (const tg::Error&) {
  }
  return 0;
}
