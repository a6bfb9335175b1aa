//===- Options.h - attn-run's command line ----------------------*- C++ -*-===//

#ifndef ATTN_TOOLS_ATTN_RUN_OPTIONS_H
#define ATTN_TOOLS_ATTN_RUN_OPTIONS_H

#include "attn/Runtime/DType.h"
#include "attn/Runtime/Sampler.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attn::run {

/// What attn-run was asked to do.
enum class Mode {
  /// Run a model: prefill the prompt, then generate.
  Generate,
  /// Write random weights for a model library.
  InitRandomWeights,
  /// Print the ids of a text; no model.
  Tokenize,
  /// Print the text of ids; no model.
  Detokenize,
};

/// Whether the prompt starts with BOS.
enum class BosChoice {
  /// --tokenize: what the tokenizer's configuration adds; generation: BOS
  /// once, which Llama models expect.
  Default,
  Add,
  None,
};

struct Options {
  bool help = false;
  Mode mode = Mode::Generate;
  std::string model;
  std::string weights;
  std::vector<int32_t> tokens;
  bool hasTokens = false;
  int64_t generate = 16;
  /// 0: prompt plus generated tokens.
  int64_t capacity = 0;
  rt::SamplerOptions sampler;
  std::string dumpLogits;
  std::string initRandomWeights;
  rt::DType dtype = rt::DType::F32;
  bool hasDType = false;
  uint64_t seed = 0;
  /// Threads of the compiled code; 0: the library's default.
  int32_t threads = 0;
  bool hasSeed = false;

  /// Text generation and the tokenizer on its own.
  std::string tokenizer;
  std::string prompt;
  bool hasPrompt = false;
  bool chat = false;
  std::string tokenizeText;
  bool hasTokenize = false;
  std::vector<int32_t> detokenizeIds;
  bool hasDetokenize = false;
  bool showSpecial = false;
  BosChoice bos = BosChoice::Default;
};

/// Parses argv; on a usage error returns false with `error` set.
bool parseOptions(int argc, char **argv, Options &options, std::string &error);

extern const char kUsage[];

} // namespace attn::run

#endif // ATTN_TOOLS_ATTN_RUN_OPTIONS_H
