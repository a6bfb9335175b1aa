//===- Sinusoidal.cpp - The original Transformer's position table ---------===//

#include "attn/Reference/Sinusoidal.h"

#include <cmath>

namespace attn::reference {

ReferenceTensor sinusoidalTable(int64_t numPositions, int64_t dim) {
  ReferenceTensor table;
  table.shape = {numPositions, dim};
  table.data.assign(static_cast<size_t>(numPositions * dim), 0.0);
  for (int64_t pos = 0; pos < numPositions; ++pos) {
    for (int64_t even = 0; even < dim; even += 2) {
      double angle = static_cast<double>(pos) /
                     std::pow(10000.0, static_cast<double>(even) /
                                           static_cast<double>(dim));
      table.data[pos * dim + even] = std::sin(angle);
      // An odd dim leaves the last sine without its cosine.
      if (even + 1 < dim)
        table.data[pos * dim + even + 1] = std::cos(angle);
    }
  }
  return table;
}

} // namespace attn::reference
