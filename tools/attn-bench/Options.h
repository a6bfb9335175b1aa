//===- Options.h - attn-bench's command line --------------------*- C++ -*-===//

#ifndef ATTN_TOOLS_ATTN_BENCH_OPTIONS_H
#define ATTN_TOOLS_ATTN_BENCH_OPTIONS_H

#include "attn/Runtime/DType.h"

#include <cstdint>
#include <string>

namespace attn::bench {

struct Options {
  bool help = false;
  /// Measure the machine's limits and nothing else.
  bool limitsOnly = false;
  std::string model;
  std::string weights;
  bool randomWeights = false;
  rt::DType dtype = rt::DType::F32;
  uint64_t seed = 0;
  /// Tokens of the prompt-processing test (ppN); 0 skips it.
  int64_t promptTokens = 512;
  /// Tokens of the text-generation test (tgN); 0 skips it.
  int64_t generateTokens = 128;
  /// Tokens in the KV cache before each test (llama-bench's -d): the tests
  /// then run at that context; 0 starts them from an empty cache.
  int64_t depth = 0;
  int64_t repetitions = 5;
  /// Threads of the limit microbenchmarks; 0: every processor.
  int64_t threads = 0;
  /// Bytes of the bandwidth buffer; 0: defaultBandwidthBufferBytes.
  int64_t limitsBufferBytes = 0;
};

/// Parses argv; on a usage error returns false with `error` set.
bool parseOptions(int argc, char **argv, Options &options, std::string &error);

extern const char kUsage[];

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_OPTIONS_H
