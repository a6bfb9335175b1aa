//===- ConfigParserFuzzer.cpp - config.json text into the parser ----------===//
//
// Any text either parses into a config inside the documented limits
// (docs/frontend.md) or gives one error that names the file.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "attn/Frontend/ConfigParser.h"

#include <cstddef>
#include <cstdint>

using namespace mlir::attn;
using attn::fuzz::check;

static bool inRange(int64_t value, int64_t max) {
  return value >= 1 && value <= max;
}

static void checkConfig(const ModelConfig &c) {
  std::string seen = "hidden_size " + std::to_string(c.hiddenSize) +
                     ", heads " + std::to_string(c.numAttentionHeads) +
                     ", kv heads " + std::to_string(c.numKeyValueHeads) +
                     ", head_dim " + std::to_string(c.headDim);
  check(inRange(c.hiddenSize, limits::kMaxHiddenSize) &&
            inRange(c.intermediateSize, limits::kMaxIntermediateSize) &&
            inRange(c.numHiddenLayers, limits::kMaxLayers) &&
            inRange(c.numAttentionHeads, limits::kMaxHeads) &&
            inRange(c.numKeyValueHeads, limits::kMaxHeads) &&
            inRange(c.headDim, limits::kMaxHeadDim) &&
            inRange(c.vocabSize, limits::kMaxVocabSize) &&
            inRange(c.maxPositionEmbeddings, limits::kMaxPositions),
        "every size of a parsed config is within its limit", seen);
  check(c.numAttentionHeads % c.numKeyValueHeads == 0,
        "kv heads divide the attention heads", seen);
  check(c.headDim % 2 == 0, "head_dim is even", seen);
  check(c.rmsNormEps > 0 && c.rmsNormEps <= 1 && c.ropeTheta > 0 &&
            c.ropeTheta <= 1e12,
        "rms_norm_eps and rope_theta are in range",
        std::to_string(c.rmsNormEps) + ", " + std::to_string(c.ropeTheta));
  check(!c.slidingWindow || *c.slidingWindow >= 1,
        "a sliding window is positive");
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<ParsedConfig> parsed = parseModelConfig(text, "config.json");
  if (!parsed) {
    std::string message = llvm::toString(parsed.takeError());
    check(attn::fuzz::startsWith(message, "config.json:"),
          "an error starts with the file name", message);
    return 0;
  }
  checkConfig(parsed->config);
  for (const std::string &warning : parsed->warnings)
    check(attn::fuzz::startsWith(warning, "config.json:"),
          "a warning starts with the file name", warning);
  return 0;
}
