//===- Sampler.h - Choosing the next token from logits ----------*- C++ -*-===//
//
// Greedy decoding, or sampling with temperature, top-k and top-p (nucleus)
// filtering in the order Hugging Face's generate() applies them.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_SAMPLER_H
#define ATTN_RUNTIME_SAMPLER_H

#include "attn/Runtime/Random.h"

#include <cstdint>
#include <vector>

namespace attn::rt {

struct SamplerOptions {
  /// 0 selects greedy decoding (argmax); the other options are then unused.
  float temperature = 0.0f;
  /// Keep only the k most likely tokens; 0 keeps all.
  int64_t topK = 0;
  /// Keep the smallest set of most likely tokens whose probability reaches
  /// top_p; 1 keeps all.
  float topP = 1.0f;
  uint64_t seed = 0;
};

class Sampler {
public:
  explicit Sampler(const SamplerOptions &options)
      : options(options), random(options.seed) {}

  /// Picks a token id in [0, vocabSize). NaN logits are never picked unless
  /// every logit is NaN (then 0).
  int32_t sample(const float *logits, int64_t vocabSize);

private:
  SamplerOptions options;
  Random random;
  std::vector<std::pair<float, int32_t>> candidates;
};

} // namespace attn::rt

#endif // ATTN_RUNTIME_SAMPLER_H
