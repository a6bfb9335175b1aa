//===- Generate.cpp - Prefill, then sample token by token -----------------===//

#include "Generate.h"
#include "Report.h"

#include "attn/Runtime/Npy.h"
#include "attn/Runtime/Sampler.h"

#include <memory>

namespace attn::run {

namespace {
struct SessionDeleter {
  void operator()(attn_session *session) const {
    attn_session_destroy(session);
  }
};
} // namespace

int loadWeights(attn_model *model, const Options &options) {
  attn_status status = attn_model_load_weights(model, options.weights.c_str());
  return status == ATTN_OK ? 0 : failStatus(status);
}

int generate(attn_model *model, const Options &options,
             const std::vector<int32_t> &prompt, const TokenHandler &onToken,
             GenerationStats &stats) {
  int64_t vocab = attn_model_vocab_size(model);
  int64_t promptSize = int64_t(prompt.size());
  int64_t capacity =
      options.capacity ? options.capacity : promptSize + options.generate;
  int64_t context = attn_model_max_position_embeddings(model);
  if (context && capacity > context)
    warn("KV-cache capacity " + std::to_string(capacity) +
         " exceeds the model's max_position_embeddings " +
         std::to_string(context) +
         "; output past that position may degrade unless the model's rope "
         "scaling is meant for it");
  attn_session *raw = nullptr;
  attn_status status = attn_session_create(model, capacity, &raw);
  std::unique_ptr<attn_session, SessionDeleter> session(raw);
  if (status == ATTN_OK)
    status = attn_session_set_threads(session.get(), options.threads);
  if (status != ATTN_OK)
    return failStatus(status);

  bool dump = !options.dumpLogits.empty();
  std::vector<float> logits(size_t(dump ? promptSize : 1) * vocab);
  bool needLogits = dump || options.generate > 0;
  auto start = std::chrono::steady_clock::now();
  status = attn_session_prefill(session.get(), prompt.data(), promptSize,
                                dump ? ATTN_PREFILL_ALL_LOGITS : 0,
                                needLogits ? logits.data() : nullptr);
  stats.promptTokens = promptSize;
  stats.prefillSeconds = secondsSince(start);
  if (status != ATTN_OK)
    return failStatus(status);
  if (dump) {
    rt::Status written = rt::writeNpyFloat32(options.dumpLogits, logits.data(),
                                             {promptSize, vocab});
    if (!written.ok())
      return fail(written.message());
  }

  rt::Sampler sampler(options.sampler);
  const float *last = logits.data() + (dump ? (promptSize - 1) * vocab : 0);
  while (stats.generatedTokens < options.generate) {
    int32_t token = sampler.sample(last, vocab);
    ++stats.generatedTokens;
    NextStep step = onToken(token);
    if (step == NextStep::Fail)
      return 1;
    if (step == NextStep::Stop || stats.generatedTokens == options.generate)
      break;
    start = std::chrono::steady_clock::now();
    status = attn_session_decode(session.get(), token, logits.data());
    stats.decodeSeconds += secondsSince(start);
    if (status != ATTN_OK)
      return failStatus(status);
    ++stats.decodedTokens;
    last = logits.data();
  }
  return 0;
}

} // namespace attn::run
