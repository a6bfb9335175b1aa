//===- AttentionInputs.cpp - q, k, v of the lone attention ----------------===//

#include "AttentionInputs.h"

#include <random>

namespace attn::bench {

AttentionInputs makeAttentionInputs(const AttentionOptions &options,
                                    int64_t seq) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1, 1);
  auto random = [&](int64_t count) {
    std::vector<float> values(count);
    for (float &v : values)
      v = dist(rng);
    return values;
  };
  AttentionInputs inputs;
  inputs.q = random(seq * options.heads * options.headDim);
  inputs.k = random(seq * options.kvHeads * options.headDim);
  inputs.v = random(seq * options.kvHeads * options.headDim);
  return inputs;
}

} // namespace attn::bench
