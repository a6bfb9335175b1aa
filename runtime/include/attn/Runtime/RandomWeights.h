//===- RandomWeights.h - Random weights for any manifest --------*- C++ -*-===//
//
// Tests, benchmarks and the bundled default model need weights for configs
// that have no checkpoint. Matrices are drawn from normal(0, 0.02) (the
// Llama initializer_range), norm weights are ones, other vectors (biases)
// are drawn like matrices so that they matter in tests. Each tensor has its
// own stream, seeded from the seed and its name, so the values do not
// depend on the order of the manifest.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_RANDOMWEIGHTS_H
#define ATTN_RUNTIME_RANDOMWEIGHTS_H

#include "attn/Runtime/DType.h"
#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/Status.h"

#include <string>
#include <vector>

namespace attn::rt {

/// The values of one slot's tensor, in f32.
std::vector<float> randomTensor(const WeightSlot &slot, uint64_t seed);

/// Writes every slot of `manifest` to `path` as one safetensors file with
/// elements of `dtype`. Tensors are generated one at a time.
Status writeRandomWeights(const Manifest &manifest, const std::string &path,
                          DType dtype, uint64_t seed);

} // namespace attn::rt

#endif // ATTN_RUNTIME_RANDOMWEIGHTS_H
