//===- Sinusoidal.h - The original Transformer's position table -*- C++ -*-===//

#ifndef ATTN_REFERENCE_SINUSOIDAL_H
#define ATTN_REFERENCE_SINUSOIDAL_H

#include "attn/Reference/Tensor.h"

#include <cstdint>

namespace attn::reference {

/// The [numPositions, dim] table PE[pos, 2i] = sin(pos / 10000^(2i/dim)),
/// PE[pos, 2i+1] = cos(pos / 10000^(2i/dim)) of "Attention Is All You Need".
ReferenceTensor sinusoidalTable(int64_t numPositions, int64_t dim);

} // namespace attn::reference

#endif // ATTN_REFERENCE_SINUSOIDAL_H
