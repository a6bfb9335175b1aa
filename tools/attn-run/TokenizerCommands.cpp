//===- TokenizerCommands.cpp - attn-run's use of the tokenizer ------------===//

#include "TokenizerCommands.h"
#include "Report.h"

#include <cstdio>
#include <string>

namespace attn::run {

namespace {

/// Encoding flags of --tokenize, which shows what the tokenizer does on its
/// own: by default the special tokens its configuration adds, as Hugging
/// Face's encode() does.
uint32_t tokenizeFlags(BosChoice bos) {
  switch (bos) {
  case BosChoice::Default:
    return ATTN_TOKENIZER_ADD_SPECIAL;
  case BosChoice::Add:
    return ATTN_TOKENIZER_ADD_SPECIAL | ATTN_TOKENIZER_ADD_BOS;
  case BosChoice::None:
    return 0;
  }
  return 0;
}

/// Encoding flags of a prompt to generate from. Llama models are trained
/// with BOS first, and Llama 3's tokenizer.json does not add it, so BOS is
/// added once whatever the configuration says; the configuration's other
/// special tokens (an EOS after the prompt) would end the text early.
uint32_t promptFlags(BosChoice bos) {
  return bos == BosChoice::None ? 0 : ATTN_TOKENIZER_ADD_BOS;
}

/// Runs a size query and then the call itself: `call(ids, capacity, &n)`.
template <typename Call>
attn_tokenizer_status collectIds(Call call, std::vector<int32_t> &ids) {
  size_t needed = 0;
  attn_tokenizer_status status = call(nullptr, 0, &needed);
  if (status != ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL)
    return status;
  ids.resize(needed);
  status = call(ids.data(), ids.size(), &needed);
  ids.resize(needed);
  return status;
}

void printIds(const std::vector<int32_t> &ids) {
  for (size_t i = 0; i < ids.size(); ++i)
    std::printf(i ? ",%d" : "%d", ids[i]);
  std::printf("\n");
}

} // namespace

int failTokenizer(const std::string &context) {
  return fail(context + attn_tokenizer_last_error());
}

TokenizerPtr loadTokenizer(const Options &options) {
  attn_tokenizer *tok = nullptr;
  if (attn_tokenizer_load(options.tokenizer.c_str(), &tok) !=
      ATTN_TOKENIZER_OK) {
    failTokenizer("cannot load tokenizer '" + options.tokenizer + "': ");
    return nullptr;
  }
  return TokenizerPtr(tok);
}

bool encodePrompt(const attn_tokenizer *tok, const std::string &text,
                  const Options &options, std::vector<int32_t> &ids) {
  attn_tokenizer_status status;
  if (options.chat) {
    attn_chat_message user = {"user", text.c_str()};
    uint32_t flags = ATTN_TOKENIZER_CHAT_ASSISTANT_HEADER;
    if (options.bos != BosChoice::None)
      flags |= ATTN_TOKENIZER_CHAT_BEGIN;
    status = collectIds(
        [&](int32_t *out, size_t capacity, size_t *count) {
          return attn_tokenizer_encode_chat(tok, &user, 1, flags, out, capacity,
                                            count);
        },
        ids);
    if (status != ATTN_TOKENIZER_OK) {
      failTokenizer("--chat: ");
      return false;
    }
  } else {
    status = collectIds(
        [&](int32_t *out, size_t capacity, size_t *count) {
          return attn_tokenizer_encode(
              tok, options.prompt.data(), options.prompt.size(),
              promptFlags(options.bos), out, capacity, count);
        },
        ids);
    if (status != ATTN_TOKENIZER_OK) {
      failTokenizer("cannot encode the prompt: ");
      return false;
    }
  }
  if (ids.empty()) {
    fail("the prompt is empty: it encodes to no tokens");
    return false;
  }
  return true;
}

int runTokenize(const Options &options) {
  TokenizerPtr tok = loadTokenizer(options);
  if (!tok)
    return 1;
  const std::string &text = options.tokenizeText;
  std::vector<int32_t> ids;
  if (options.chat) {
    if (!encodePrompt(tok.get(), text, options, ids))
      return 1;
    printIds(ids);
    return 0;
  }
  attn_tokenizer_status status = collectIds(
      [&](int32_t *out, size_t capacity, size_t *count) {
        return attn_tokenizer_encode(tok.get(), text.data(), text.size(),
                                     tokenizeFlags(options.bos), out, capacity,
                                     count);
      },
      ids);
  if (status != ATTN_TOKENIZER_OK)
    return failTokenizer("--tokenize: ");
  printIds(ids);
  return 0;
}

int runDetokenize(const Options &options) {
  TokenizerPtr tok = loadTokenizer(options);
  if (!tok)
    return 1;
  const std::vector<int32_t> &ids = options.detokenizeIds;
  uint32_t flags = options.showSpecial ? 0 : ATTN_TOKENIZER_SKIP_SPECIAL;
  size_t length = 0;
  attn_tokenizer_status status = attn_tokenizer_decode(
      tok.get(), ids.data(), ids.size(), flags, nullptr, 0, &length);
  std::string text;
  if (status == ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL) {
    text.resize(length + 1);
    status = attn_tokenizer_decode(tok.get(), ids.data(), ids.size(), flags,
                                   text.data(), text.size(), &length);
    text.resize(length);
  }
  if (status != ATTN_TOKENIZER_OK)
    return failTokenizer("--detokenize: ");
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::printf("\n");
  return 0;
}

} // namespace attn::run
