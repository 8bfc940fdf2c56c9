#include "tensor/npy.hpp"

namespace tg {}  // namespace tg
