//===- RandomWeights.h - Reproducible weights for any config ----*- C++ -*-===//

#ifndef ATTN_REFERENCE_RANDOMWEIGHTS_H
#define ATTN_REFERENCE_RANDOMWEIGHTS_H

#include "attn/Reference/Config.h"
#include "attn/Reference/Tensor.h"

#include <cstdint>

namespace attn::reference {

/// How random weights are drawn.
struct RandomWeightOptions {
  uint64_t seed = 0x5eed;
  /// Standard deviation of matrices, embeddings and biases (HF's
  /// initializer_range).
  double stddev = 0.02;
  /// Norm weights are 1 + normal(0, normNoise), so that a kernel that ignores
  /// them is caught.
  double normNoise = 0.1;
};

/// Every tensor of `expectedWeights(config)`, drawn from a generator of the
/// project's own (splitmix64 and Box-Muller), so the values are the same with
/// every standard library. The end-to-end tests write this map to safetensors
/// for the compiled model and feed the same map to the reference.
WeightMap makeRandomWeights(const ReferenceConfig &config,
                            const RandomWeightOptions &options = {});

} // namespace attn::reference

#endif // ATTN_REFERENCE_RANDOMWEIGHTS_H
