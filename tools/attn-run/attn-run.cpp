//===- attn-run.cpp - Run a compiled model through the runtime ------------===//
//
// A thin main over the runtime's and the tokenizer's C APIs: generate text
// or token ids, report prefill and decode throughput, dump logits, write
// random weights, or check a tokenizer on its own.
//
//===----------------------------------------------------------------------===//

#include "Generate.h"
#include "Options.h"
#include "Report.h"
#include "TextGeneration.h"
#include "TokenizerCommands.h"

#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/RandomWeights.h"
#include "attn/runtime.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sys/stat.h>

using namespace attn;
using namespace attn::run;

namespace {

struct ModelDeleter {
  void operator()(attn_model *model) const { attn_model_close(model); }
};

int initRandomWeights(attn_model *model, const Options &options) {
  rt::Manifest manifest;
  rt::Status status =
      rt::parseManifest(attn_model_manifest(model), options.model, manifest);
  if (!status.ok())
    return fail(status.message());
  const std::string &dir = options.initRandomWeights;
  if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    return fail("cannot create '" + dir + "': " + std::strerror(errno));
  std::string path = dir + "/model.safetensors";
  status = rt::writeRandomWeights(manifest, path, options.dtype, options.seed);
  if (!status.ok())
    return fail(status.message());
  // A fused weight's parts are the checkpoint's tensors.
  size_t tensors = 0;
  for (const rt::WeightSlot &slot : manifest.slots())
    tensors += slot.parts.empty() ? 1 : slot.parts.size();
  std::printf("wrote %s: %zu tensors, %s, seed %llu\n", path.c_str(), tensors,
              rt::dtypeName(options.dtype), (unsigned long long)options.seed);
  return 0;
}

/// Generation without a tokenizer: ids in, ids out, rates on stdout.
int runTokenIds(attn_model *model, const Options &options) {
  if (int result = loadWeights(model, options))
    return result;
  std::vector<int32_t> generated;
  TokenHandler onToken = [&](int32_t token) {
    generated.push_back(token);
    return NextStep::Continue;
  };
  GenerationStats stats;
  if (int result = generate(model, options, options.tokens, onToken, stats))
    return result;
  std::printf("generated:");
  for (int32_t token : generated)
    std::printf(" %d", token);
  std::printf("\n");
  printRate(stdout, "prefill", stats.promptTokens, stats.prefillSeconds);
  if (stats.decodedTokens > 0)
    printRate(stdout, "decode", stats.decodedTokens, stats.decodeSeconds);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  std::string error;
  if (!parseOptions(argc, argv, options, error)) {
    std::fprintf(stderr, "attn-run: error: %s\n(run attn-run --help)\n",
                 error.c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (options.mode == Mode::Tokenize)
    return runTokenize(options);
  if (options.mode == Mode::Detokenize)
    return runDetokenize(options);

  attn_model *raw = nullptr;
  attn_status status = attn_model_open(options.model.c_str(), &raw);
  std::unique_ptr<attn_model, ModelDeleter> model(raw);
  if (status != ATTN_OK)
    return failStatus(status);
  if (options.mode == Mode::InitRandomWeights)
    return initRandomWeights(model.get(), options);
  if (!options.tokenizer.empty())
    return runTextGeneration(model.get(), options);
  return runTokenIds(model.get(), options);
}
