//===- TextGeneration.cpp - Prompt text in, streamed text out -------------===//
//
// The decoder stream sees the prompt's ids before the generated ones, so
// that the text continues the prompt: Llama 2's decoder drops the leading
// space of a text, which would glue the first generated word to the prompt.
//
//===----------------------------------------------------------------------===//

#include "TextGeneration.h"
#include "Generate.h"
#include "Report.h"
#include "TokenizerCommands.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace attn::run {

namespace {

struct StreamDeleter {
  void operator()(attn_tokenizer_stream *stream) const {
    attn_tokenizer_stream_free(stream);
  }
};

void write(const char *text, size_t length) {
  std::fwrite(text, 1, length, stdout);
  std::fflush(stdout);
}

} // namespace

int runTextGeneration(attn_model *model, const Options &options) {
  TokenizerPtr tok = loadTokenizer(options);
  if (!tok)
    return 1;
  int64_t tokenizerVocab = attn_tokenizer_vocab_size(tok.get());
  int64_t modelVocab = attn_model_vocab_size(model);
  if (tokenizerVocab > modelVocab)
    return fail("tokenizer '" + options.tokenizer + "' has " +
                std::to_string(tokenizerVocab) + " tokens but model '" +
                options.model + "' has vocab_size " +
                std::to_string(modelVocab) +
                "; its ids could fall outside the model's embedding (is it "
                "the model's own tokenizer?)");

  std::vector<int32_t> prompt = options.tokens;
  if (options.hasPrompt &&
      !encodePrompt(tok.get(), options.prompt, options, prompt))
    return 1;

  if (int result = loadWeights(model, options))
    return result;

  attn_tokenizer_stream *raw = nullptr;
  if (attn_tokenizer_stream_create(tok.get(), ATTN_TOKENIZER_SKIP_SPECIAL,
                                   &raw) != ATTN_TOKENIZER_OK)
    return failTokenizer();
  std::unique_ptr<attn_tokenizer_stream, StreamDeleter> stream(raw);
  const char *piece = nullptr;
  size_t length = 0;
  for (size_t i = 0; i < prompt.size(); ++i) {
    if (attn_tokenizer_stream_push(stream.get(), prompt[i], &piece, &length) !=
        ATTN_TOKENIZER_OK)
      return failTokenizer("prompt token " + std::to_string(i) + ": ");
    // Text the user typed is echoed as typed; given ids, the stream's text.
    if (!options.hasPrompt)
      write(piece, length);
  }
  if (options.hasPrompt && !options.chat)
    write(options.prompt.data(), options.prompt.size());

  int32_t stoppedAt = -1;
  TokenHandler onToken = [&](int32_t token) {
    if (attn_tokenizer_is_end_of_generation(tok.get(), token)) {
      stoppedAt = token;
      return NextStep::Stop;
    }
    if (attn_tokenizer_stream_push(stream.get(), token, &piece, &length) !=
        ATTN_TOKENIZER_OK) {
      failTokenizer("generated token " + std::to_string(token) +
                    " cannot be decoded: ");
      return NextStep::Fail;
    }
    write(piece, length);
    return NextStep::Continue;
  };
  GenerationStats stats;
  int result = generate(model, options, prompt, onToken, stats);
  if (attn_tokenizer_stream_finish(stream.get(), &piece, &length) ==
      ATTN_TOKENIZER_OK)
    write(piece, length);
  write("\n", 1);
  if (result != 0)
    return result;

  printRate(stderr, "prefill", stats.promptTokens, stats.prefillSeconds);
  if (stats.decodedTokens > 0)
    printRate(stderr, "decode", stats.decodedTokens, stats.decodeSeconds);
  if (stoppedAt >= 0)
    std::fprintf(stderr,
                 "stopped at end-of-generation token %d after %lld tokens\n",
                 stoppedAt, (long long)stats.generatedTokens);
  else
    std::fprintf(stderr, "stopped after %lld tokens (-n %lld)\n",
                 (long long)stats.generatedTokens, (long long)options.generate);
  return 0;
}

} // namespace attn::run
