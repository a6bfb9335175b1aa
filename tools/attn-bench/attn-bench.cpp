//===- attn-bench.cpp - Model throughput against the machine's limits -----===//
//
// A thin main: measure the machine's limits, load a model library through
// the runtime's C API, run the pp and tg tests and print them in
// llama-bench's table, each with the limit it is measured against.
//
//===----------------------------------------------------------------------===//

#include "AttentionBench.h"
#include "MatmulBench.h"
#include "ModelCost.h"
#include "Options.h"
#include "RandomWeightsDir.h"
#include "Report.h"
#include "Throughput.h"

#include "attn/runtime.h"

#include <algorithm>
#include <cstdio>
#include <memory>

using namespace attn;
using namespace attn::bench;

namespace {

/// Seconds each FMA repetition aims at, and the repetitions of every limit
/// microbenchmark (the best one counts, as in STREAM).
constexpr double kFmaSeconds = 0.05;
constexpr int kLimitRepetitions = 3;

int fail(const std::string &what) {
  std::fprintf(stderr, "attn-bench: error: %s\n", what.c_str());
  return 1;
}

int failStatus(attn_status status) {
  return fail(std::string(attn_error_message()) + " [" +
              attn_status_name(status) + "]");
}

struct ModelDeleter {
  void operator()(attn_model *model) const { attn_model_close(model); }
};
struct SessionDeleter {
  void operator()(attn_session *session) const {
    attn_session_destroy(session);
  }
};

bool measureLimits(int threads, int64_t bufferBytes, MachineLimits &limits,
                   std::string &error) {
  limits.cpu = limits::readCpuInfo();
  const limits::FmaKernel &kernel = limits::widestFmaKernel();
  if (!limits::measurePeakFlops(kernel, 1, kFmaSeconds, kLimitRepetitions,
                                limits.singleThread, error) ||
      !limits::measurePeakFlops(kernel, threads, kFmaSeconds, kLimitRepetitions,
                                limits.allThreads, error))
    return false;
  if (bufferBytes == 0)
    bufferBytes = limits::defaultBandwidthBufferBytes(limits.cpu);
  return limits::measureMemoryBandwidth(threads, bufferBytes, kLimitRepetitions,
                                        limits.bandwidth, error);
}

/// Opens the library, checks that the tests fit its context and loads the
/// weights (random ones written to a temporary folder and removed again).
int openModel(const Options &options,
              std::unique_ptr<attn_model, ModelDeleter> &model,
              ModelCost &cost) {
  attn_model *raw = nullptr;
  attn_status status = attn_model_open(options.model.c_str(), &raw);
  model.reset(raw);
  if (status != ATTN_OK)
    return failStatus(status);
  std::string error;
  if (!computeModelCost(attn_model_manifest(raw), options.model, cost, error))
    return fail(error);
  int64_t context = attn_model_max_position_embeddings(raw);
  for (auto [flag, tokens] : {std::pair{"-p", options.promptTokens},
                              std::pair{"-n", options.generateTokens}}) {
    std::string depth =
        options.depth ? " after -d " + std::to_string(options.depth) : "";
    if (context > 0 && tokens > 0 && options.depth + tokens > context)
      return fail(std::string(flag) + " " + std::to_string(tokens) + depth +
                  " needs " + std::to_string(options.depth + tokens) +
                  " KV-cache positions; the model's max_position_embeddings "
                  "is " +
                  std::to_string(context));
  }

  if (!options.randomWeights) {
    status = attn_model_load_weights(raw, options.weights.c_str());
    return status == ATTN_OK ? 0 : failStatus(status);
  }
  RandomWeightsDir weights;
  if (!weights.create(raw, options.model, options.dtype, options.seed, error))
    return fail(error);
  status = attn_model_load_weights(raw, weights.file().c_str());
  return status == ATTN_OK ? 0 : failStatus(status);
}

} // namespace

int main(int argc, char **argv) {
  if (argc > 1 && std::string(argv[1]) == "--attention")
    return runAttentionBench(argc, argv);
  if (argc > 1 && std::string(argv[1]) == "--matmul")
    return runMatmulBench(argc, argv);
  Options options;
  std::string error;
  if (!parseOptions(argc, argv, options, error)) {
    std::fprintf(stderr, "attn-bench: error: %s\n(run attn-bench --help)\n",
                 error.c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(kUsage, stdout);
    return 0;
  }

  // The model first: a bad library or weights fail before the long part.
  std::unique_ptr<attn_model, ModelDeleter> model;
  std::unique_ptr<attn_session, SessionDeleter> session;
  ModelCost cost;
  if (!options.limitsOnly) {
    if (int result = openModel(options, model, cost))
      return result;
    attn_session *raw = nullptr;
    attn_status status = attn_session_create(
        model.get(),
        options.depth + std::max(options.promptTokens, options.generateTokens),
        &raw);
    session.reset(raw);
    if (status == ATTN_OK)
      status =
          attn_session_set_threads(session.get(), int32_t(options.threads));
    if (status != ATTN_OK)
      return failStatus(status);
  }

  MachineLimits limits;
  int threads =
      options.threads ? int(options.threads) : limits::readCpuInfo().processors;
  if (!measureLimits(threads, options.limitsBufferBytes, limits, error))
    return fail(error);
  printLimits(stdout, limits);
  if (options.limitsOnly)
    return 0;

  printModelCost(stdout, options.model, cost);
  std::vector<TestResult> results;
  int64_t vocab = attn_model_vocab_size(model.get());
  for (auto [kind, tokens] :
       {std::pair{TestKind::Prompt, options.promptTokens},
        std::pair{TestKind::Generate, options.generateTokens}}) {
    if (tokens == 0)
      continue;
    results.emplace_back();
    attn_status status =
        runTest(session.get(), vocab, kind, tokens, options.depth,
                options.repetitions, results.back());
    if (status != ATTN_OK)
      return failStatus(status);
  }

  std::printf("\n");
  printTableHeader(stdout);
  for (const TestResult &result : results)
    printTableRow(stdout, cost, threads, result);
  std::printf("\n");
  for (const TestResult &result : results)
    printAgainstLimit(stdout, cost, limits, result);
  return 0;
}
