//===- Options.h - attn-run's command line ----------------------*- C++ -*-===//

#ifndef ATTN_TOOLS_ATTN_RUN_OPTIONS_H
#define ATTN_TOOLS_ATTN_RUN_OPTIONS_H

#include "attn/Runtime/DType.h"
#include "attn/Runtime/Sampler.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attn::run {

struct Options {
  bool help = false;
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
  bool hasSeed = false;
};

/// Parses argv; on a usage error returns false with `error` set.
bool parseOptions(int argc, char **argv, Options &options, std::string &error);

extern const char kUsage[];

} // namespace attn::run

#endif // ATTN_TOOLS_ATTN_RUN_OPTIONS_H
