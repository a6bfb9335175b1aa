//===- Model.h - The reference forward pass with a KV cache -----*- C++ -*-===//

#ifndef ATTN_REFERENCE_MODEL_H
#define ATTN_REFERENCE_MODEL_H

#include "attn/Reference/Config.h"
#include "attn/Reference/Tensor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace attn::reference {

/// A Llama-family causal language model in double precision with Hugging
/// Face's semantics, and the keys and values of the positions it has seen.
/// Tests compare prefill, decode and chunked prefill by calling `forward`
/// with consecutive start positions.
class ReferenceModel {
public:
  /// Checks `config` and `weights`; on failure returns nothing and sets
  /// `error` to what was wrong.
  static std::optional<ReferenceModel>
  create(const ReferenceConfig &config, WeightMap weights, std::string &error);

  /// Runs `tokens` at positions start, start + 1, ... and returns the logits
  /// of every one of them, shape [tokens.size(), vocab]. `startPosition` may
  /// be at most the number of cached positions; the cache is cut back to it
  /// first, so 0 starts a new sequence. On bad input (no tokens, a token id
  /// outside [0, vocab), a gap after the cache) returns nothing and sets
  /// `error`; the cache is then left as it was.
  std::optional<ReferenceTensor> forward(const std::vector<int64_t> &tokens,
                                         int64_t startPosition,
                                         std::string &error);

  /// The number of positions whose keys and values are cached.
  int64_t cachedPositions() const { return cachedLength; }
  void reset();

  const ReferenceConfig &getConfig() const { return config; }

private:
  ReferenceModel(const ReferenceConfig &config, WeightMap weights);

  const ReferenceTensor &weight(const std::string &name) const;
  const ReferenceTensor *optionalWeight(const std::string &name) const;

  /// One layer over the hidden states of the new positions, in place.
  void runLayer(int64_t layer, std::vector<std::vector<double>> &hidden,
                int64_t startPosition, const std::vector<double> &invFreq);

  ReferenceConfig config;
  WeightMap weights;

  /// keys[layer][kvHead] and values[layer][kvHead]: [position][headDim],
  /// flattened. Keys are stored rotated, so a later call with other dynamic
  /// NTK frequencies leaves them as they were (as Hugging Face's cache does).
  std::vector<std::vector<std::vector<double>>> keys, values;
  int64_t cachedLength = 0;
};

} // namespace attn::reference

#endif // ATTN_REFERENCE_MODEL_H
