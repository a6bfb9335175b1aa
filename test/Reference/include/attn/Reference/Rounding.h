//===- Rounding.h - Weights as they read back from disk ---------*- C++ -*-===//

#ifndef ATTN_REFERENCE_ROUNDING_H
#define ATTN_REFERENCE_ROUNDING_H

#include "attn/Reference/Tensor.h"

namespace attn::reference {

/// The safetensors dtypes a checkpoint may store.
enum class StorageType { F32, F16, BF16 };

/// The value `x` reads back as after storing it in `type`, rounding to nearest
/// even (what torch's .to() and numpy's astype do). Values beyond the type's
/// range become infinities.
double roundTo(double x, StorageType type);

/// Rounds every element of every tensor in place, so the reference computes
/// with exactly the weights a test wrote to disk.
void roundWeights(WeightMap &weights, StorageType type);

} // namespace attn::reference

#endif // ATTN_REFERENCE_ROUNDING_H
