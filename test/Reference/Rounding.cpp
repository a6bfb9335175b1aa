//===- Rounding.cpp - Weights as they read back from disk -----------------===//

#include "attn/Reference/Rounding.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace attn::reference {

namespace {

/// An IEEE-style binary format: significand bits (with the implicit one),
/// smallest normal exponent, largest finite value.
struct Format {
  int precision;
  int minExponent;
  double maxFinite;
};

Format formatOf(StorageType type) {
  switch (type) {
  case StorageType::F32:
    return {24, -126, 0x1.fffffep127};
  case StorageType::F16:
    return {11, -14, 65504.0};
  case StorageType::BF16:
    return {8, -126, 0x1.fep127};
  }
  return {53, -1022, std::numeric_limits<double>::max()};
}

} // namespace

double roundTo(double x, StorageType type) {
  if (x == 0.0 || !std::isfinite(x))
    return x;
  Format format = formatOf(type);
  // Below the normal range the spacing stays that of the smallest normals.
  int exponent = std::max(std::ilogb(x), format.minExponent);
  double quantum = std::ldexp(1.0, exponent - (format.precision - 1));
  // Scaling by a power of two is exact; nearbyint rounds half to even in
  // the default rounding mode.
  double rounded = std::nearbyint(x / quantum) * quantum;
  if (std::fabs(rounded) > format.maxFinite)
    return std::copysign(std::numeric_limits<double>::infinity(), x);
  return rounded;
}

void roundWeights(WeightMap &weights, StorageType type) {
  for (auto &entry : weights)
    for (double &value : entry.second.data)
      value = roundTo(value, type);
}

} // namespace attn::reference
