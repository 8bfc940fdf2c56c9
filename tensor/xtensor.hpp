// tensor/xtensor.hpp — zero-copy views between tg::Tensor and xtensor (stub; filled in by the interop work).
#pragma once

#include "tensor/tensor.hpp"
