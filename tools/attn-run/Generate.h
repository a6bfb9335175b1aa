//===- Generate.h - Prefill, then sample token by token ---------*- C++ -*-===//

#ifndef ATTN_TOOLS_ATTN_RUN_GENERATE_H
#define ATTN_TOOLS_ATTN_RUN_GENERATE_H

#include "Options.h"

#include "attn/runtime.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace attn::run {

/// What to do after a generated token.
enum class NextStep { Continue, Stop, Fail };

/// Sees each generated token as soon as it is sampled, before the next
/// decode; Fail means it has printed an error.
using TokenHandler = std::function<NextStep(int32_t token)>;

struct GenerationStats {
  int64_t promptTokens = 0;
  double prefillSeconds = 0;
  /// Tokens sampled, the one that stopped generation included.
  int64_t generatedTokens = 0;
  /// Tokens run through the model after the prompt.
  int64_t decodedTokens = 0;
  double decodeSeconds = 0;
};

/// Loads options.weights into `model`; returns the exit status.
int loadWeights(attn_model *model, const Options &options);

/// Prefills `prompt` and samples up to options.generate
/// tokens, decoding each one that `onToken` lets continue. The weights must
/// be loaded. Writes the
/// prompt's logits when options.dumpLogits asks. Returns the exit status
/// (errors are printed).
int generate(attn_model *model, const Options &options,
             const std::vector<int32_t> &prompt, const TokenHandler &onToken,
             GenerationStats &stats);

} // namespace attn::run

#endif // ATTN_TOOLS_ATTN_RUN_GENERATE_H
