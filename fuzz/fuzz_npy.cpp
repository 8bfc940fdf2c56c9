// libFuzzer target: the .npy reader on arbitrary bytes.
// The contract under test: parse_npy either returns a valid tensor or throws
// tg::Error. Any other exception, a crash, or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tensor/error.hpp"
#include "tensor/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const tg::Tensor t = tg::parse_npy(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy");
    // Touch every element through the tensor's own strides.
    volatile double sink = 0;
    for (double v : t.to_double_vector()) sink = sink + v;
    // A tensor we read must survive a round trip.
    (void)tg::parse_npy(tg::to_npy_bytes(t), "roundtrip.npy");
  } catch (const tg::Error&) {
  }
  return 0;
}
