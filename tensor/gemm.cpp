#include "tensor/gemm.hpp"

namespace tg {}  // namespace tg
