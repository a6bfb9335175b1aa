//===- attn-run.cpp - Run a compiled model through the runtime ------------===//
//
// A thin main over the runtime's C API: generate token ids, report prefill
// and decode throughput, dump logits, or write random weights.
//
//===----------------------------------------------------------------------===//

#include "Options.h"

#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/Npy.h"
#include "attn/Runtime/RandomWeights.h"
#include "attn/Runtime/Sampler.h"
#include "attn/runtime.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

using namespace attn;

namespace {

int fail(const std::string &what) {
  std::fprintf(stderr, "attn-run: error: %s\n", what.c_str());
  return 1;
}

int failStatus(attn_status status) {
  return fail(std::string(attn_error_message()) + " [" +
              attn_status_name(status) + "]");
}

/// Owns the C handles for the length of main.
struct Handles {
  attn_model *model = nullptr;
  attn_session *session = nullptr;
  ~Handles() {
    attn_session_destroy(session);
    attn_model_close(model);
  }
};

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

void printRate(const char *phase, int64_t tokens, double seconds) {
  std::printf("%s: %lld tokens in %.3f ms, %.2f tokens/s\n", phase,
              (long long)tokens, seconds * 1e3,
              seconds > 0 ? tokens / seconds : 0.0);
}

int initRandomWeights(attn_model *model, const run::Options &options) {
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
  std::printf("wrote %s: %zu tensors, %s, seed %llu\n", path.c_str(),
              manifest.slots().size(), rt::dtypeName(options.dtype),
              (unsigned long long)options.seed);
  return 0;
}

int generate(Handles &h, const run::Options &options) {
  attn_status status =
      attn_model_load_weights(h.model, options.weights.c_str());
  if (status != ATTN_OK)
    return failStatus(status);
  int64_t vocab = attn_model_vocab_size(h.model);
  int64_t prompt = int64_t(options.tokens.size());
  int64_t capacity =
      options.capacity ? options.capacity : prompt + options.generate;
  status = attn_session_create(h.model, capacity, &h.session);
  if (status != ATTN_OK)
    return failStatus(status);

  bool dump = !options.dumpLogits.empty();
  std::vector<float> logits(size_t(dump ? prompt : 1) * vocab);
  bool needLogits = dump || options.generate > 0;
  auto start = std::chrono::steady_clock::now();
  status = attn_session_prefill(h.session, options.tokens.data(), prompt,
                                dump ? ATTN_PREFILL_ALL_LOGITS : 0,
                                needLogits ? logits.data() : nullptr);
  double prefillSeconds = secondsSince(start);
  if (status != ATTN_OK)
    return failStatus(status);
  if (dump) {
    rt::Status written =
        rt::writeNpyFloat32(options.dumpLogits, logits.data(), {prompt, vocab});
    if (!written.ok())
      return fail(written.message());
  }

  rt::Sampler sampler(options.sampler);
  std::vector<int32_t> generated;
  const float *last = logits.data() + (dump ? (prompt - 1) * vocab : 0);
  double decodeSeconds = 0;
  if (options.generate > 0)
    generated.push_back(sampler.sample(last, vocab));
  while (int64_t(generated.size()) < options.generate) {
    start = std::chrono::steady_clock::now();
    status = attn_session_decode(h.session, generated.back(), logits.data());
    decodeSeconds += secondsSince(start);
    if (status != ATTN_OK)
      return failStatus(status);
    generated.push_back(sampler.sample(logits.data(), vocab));
  }

  std::printf("generated:");
  for (int32_t token : generated)
    std::printf(" %d", token);
  std::printf("\n");
  printRate("prefill", prompt, prefillSeconds);
  if (generated.size() > 1)
    printRate("decode", int64_t(generated.size()) - 1, decodeSeconds);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  run::Options options;
  std::string error;
  if (!run::parseOptions(argc, argv, options, error)) {
    std::fprintf(stderr, "attn-run: error: %s\n(run attn-run --help)\n",
                 error.c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(run::kUsage, stdout);
    return 0;
  }
  Handles h;
  attn_status status = attn_model_open(options.model.c_str(), &h.model);
  if (status != ATTN_OK)
    return failStatus(status);
  if (!options.initRandomWeights.empty())
    return initRandomWeights(h.model, options);
  return generate(h, options);
}
