//===- TinyModelReference.h - A plain double-precision Llama ----*- C++ -*-===//
//
// The forward pass of a Llama-family decoder written straight from the
// formulas in DESIGN.md (RMSNorm, rotate-half RoPE, causal GQA attention,
// SiLU-gated MLP), in double precision, with no cache: every call recomputes
// all positions. Small on purpose; a dedicated reference library may
// replace it.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_TARGET_TINYMODELREFERENCE_H
#define ATTN_TEST_UNIT_TARGET_TINYMODELREFERENCE_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace attn_test {

struct TinyConfig {
  int64_t hidden = 16, heads = 2, kvHeads = 1, headDim = 8, intermediate = 32,
          vocab = 32, layers = 2;
  double eps = 1e-5, theta = 1e4;
};

/// Looks a weight up by its name, with `{layer}` already replaced.
using WeightLookup =
    std::function<const std::vector<float> &(const std::string &)>;

/// The logits [tokens, vocab] of every position of `tokens`.
std::vector<double> referenceLogits(const TinyConfig &config,
                                    const WeightLookup &weight,
                                    const std::vector<int32_t> &tokens);

} // namespace attn_test

#endif // ATTN_TEST_UNIT_TARGET_TINYMODELREFERENCE_H
