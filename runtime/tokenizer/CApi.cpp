//===- CApi.cpp - The C API of runtime/include/attn/tokenizer.h -----------===//

#include "attn/tokenizer.h"

#include "StreamDecoder.h"
#include "Tokenizer.h"

#include <cstring>

using namespace attn::tokenizer;

struct attn_tokenizer {
  std::unique_ptr<Tokenizer> impl;
};

struct attn_tokenizer_stream {
  StreamDecoder decoder;
  std::string piece;
};

namespace {
thread_local std::string lastError;

attn_tokenizer_status failWith(attn_tokenizer_status status,
                               std::string message) {
  lastError = std::move(message);
  return status;
}

attn_tokenizer_status nullArgument(const char *function, const char *name) {
  return failWith(ATTN_TOKENIZER_ERROR_ARGUMENT,
                  std::string(function) + ": " + name + " is NULL");
}

/// Copies ids out under the size protocol of attn_tokenizer_encode.
attn_tokenizer_status copyIds(const std::vector<int32_t> &ids, int32_t *out,
                              size_t capacity, size_t *numIds) {
  *numIds = ids.size();
  if (ids.size() > capacity)
    return failWith(ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL,
                    "the text needs " + std::to_string(ids.size()) +
                        " ids but the buffer holds " +
                        std::to_string(capacity));
  if (!ids.empty())
    std::memcpy(out, ids.data(), ids.size() * sizeof(int32_t));
  return ATTN_TOKENIZER_OK;
}

attn_tokenizer_status loaded(std::unique_ptr<Tokenizer> impl,
                             const std::string &error, attn_tokenizer **out) {
  if (!impl)
    return failWith(error.find(": cannot open") != std::string::npos ||
                            error.find(": read error") != std::string::npos
                        ? ATTN_TOKENIZER_ERROR_IO
                        : ATTN_TOKENIZER_ERROR_FORMAT,
                    error);
  *out = new attn_tokenizer{std::move(impl)};
  return ATTN_TOKENIZER_OK;
}
} // namespace

extern "C" {

const char *attn_tokenizer_last_error(void) { return lastError.c_str(); }

attn_tokenizer_status attn_tokenizer_load(const char *dir,
                                          attn_tokenizer **out) {
  if (!out)
    return nullArgument(__func__, "out");
  *out = nullptr;
  if (!dir)
    return nullArgument(__func__, "dir");
  std::string error;
  auto impl = loadTokenizerDirectory(dir, error);
  return loaded(std::move(impl), error, out);
}

attn_tokenizer_status attn_tokenizer_load_from_memory(const char *tokenizerJson,
                                                      size_t jsonSize,
                                                      const char *configJson,
                                                      size_t configSize,
                                                      attn_tokenizer **out) {
  if (!out)
    return nullArgument(__func__, "out");
  *out = nullptr;
  if (!tokenizerJson)
    return nullArgument(__func__, "tokenizer_json");
  std::string error;
  auto impl =
      loadTokenizer(std::string_view(tokenizerJson, jsonSize),
                    configJson ? std::string_view(configJson, configSize)
                               : std::string_view(),
                    "tokenizer.json", "tokenizer_config.json", error);
  return loaded(std::move(impl), error, out);
}

void attn_tokenizer_free(attn_tokenizer *tok) { delete tok; }

int32_t attn_tokenizer_vocab_size(const attn_tokenizer *tok) {
  return tok ? tok->impl->vocabSize() : 0;
}

int32_t attn_tokenizer_bos_id(const attn_tokenizer *tok) {
  return tok ? tok->impl->bosId : -1;
}

int32_t attn_tokenizer_eos_id(const attn_tokenizer *tok) {
  return tok ? tok->impl->eosId : -1;
}

int attn_tokenizer_adds_bos(const attn_tokenizer *tok) {
  return tok && tok->impl->bosId >= 0 && !tok->impl->prefixIds.empty() &&
         tok->impl->prefixIds.front() == tok->impl->bosId;
}

int attn_tokenizer_is_end_of_generation(const attn_tokenizer *tok, int32_t id) {
  if (!tok)
    return 0;
  for (int32_t end : tok->impl->endOfGenerationIds)
    if (end == id)
      return 1;
  return 0;
}

int attn_tokenizer_is_special(const attn_tokenizer *tok, int32_t id) {
  std::string ignored;
  return tok && tok->impl->checkId(id, ignored) && tok->impl->isSpecial(id);
}

int32_t attn_tokenizer_token_id(const attn_tokenizer *tok, const char *text) {
  return tok && text ? tok->impl->findToken(text) : -1;
}

attn_tokenizer_status attn_tokenizer_encode(const attn_tokenizer *tok,
                                            const char *text, size_t len,
                                            uint32_t flags, int32_t *ids,
                                            size_t capacity, size_t *numIds) {
  if (!tok)
    return nullArgument(__func__, "tok");
  if (!numIds)
    return nullArgument(__func__, "num_ids");
  *numIds = 0;
  if (!text && len > 0)
    return nullArgument(__func__, "text");
  if (!ids && capacity > 0)
    return nullArgument(__func__, "ids");
  EncodeOptions options;
  options.addSpecial = flags & ATTN_TOKENIZER_ADD_SPECIAL;
  options.addBos = flags & ATTN_TOKENIZER_ADD_BOS;
  options.specialAsText = flags & ATTN_TOKENIZER_SPECIAL_AS_TEXT;
  std::vector<int32_t> out;
  std::string error;
  if (!tok->impl->encode(std::string_view(text ? text : "", len), options, out,
                         error))
    return failWith(ATTN_TOKENIZER_ERROR_ARGUMENT, error);
  return copyIds(out, ids, capacity, numIds);
}

attn_tokenizer_status attn_tokenizer_decode(const attn_tokenizer *tok,
                                            const int32_t *ids, size_t count,
                                            uint32_t flags, char *text,
                                            size_t capacity, size_t *len) {
  if (!tok)
    return nullArgument(__func__, "tok");
  if (!len)
    return nullArgument(__func__, "len");
  *len = 0;
  if (!ids && count > 0)
    return nullArgument(__func__, "ids");
  if (!text && capacity > 0)
    return nullArgument(__func__, "text");
  std::string out, error;
  if (!tok->impl->decode(ids, count, flags & ATTN_TOKENIZER_SKIP_SPECIAL, out,
                         error))
    return failWith(ATTN_TOKENIZER_ERROR_ARGUMENT, error);
  *len = out.size();
  if (out.size() + 1 > capacity)
    return failWith(ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL,
                    "the text needs " + std::to_string(out.size() + 1) +
                        " bytes with its NUL but the buffer holds " +
                        std::to_string(capacity));
  std::memcpy(text, out.c_str(), out.size() + 1);
  return ATTN_TOKENIZER_OK;
}

attn_tokenizer_status
attn_tokenizer_stream_create(const attn_tokenizer *tok, uint32_t flags,
                             attn_tokenizer_stream **out) {
  if (!out)
    return nullArgument(__func__, "out");
  *out = nullptr;
  if (!tok)
    return nullArgument(__func__, "tok");
  *out = new attn_tokenizer_stream{
      StreamDecoder(*tok->impl, flags & ATTN_TOKENIZER_SKIP_SPECIAL), {}};
  return ATTN_TOKENIZER_OK;
}

void attn_tokenizer_stream_free(attn_tokenizer_stream *stream) {
  delete stream;
}

attn_tokenizer_status attn_tokenizer_stream_push(attn_tokenizer_stream *stream,
                                                 int32_t id, const char **piece,
                                                 size_t *len) {
  if (!stream)
    return nullArgument(__func__, "stream");
  if (!piece || !len)
    return nullArgument(__func__, piece ? "len" : "piece");
  std::string error;
  bool ok = stream->decoder.push(id, stream->piece, error);
  *piece = stream->piece.data();
  *len = stream->piece.size();
  return ok ? ATTN_TOKENIZER_OK
            : failWith(ATTN_TOKENIZER_ERROR_ARGUMENT, error);
}

attn_tokenizer_status
attn_tokenizer_stream_finish(attn_tokenizer_stream *stream, const char **piece,
                             size_t *len) {
  if (!stream)
    return nullArgument(__func__, "stream");
  if (!piece || !len)
    return nullArgument(__func__, piece ? "len" : "piece");
  stream->decoder.finish(stream->piece);
  *piece = stream->piece.data();
  *len = stream->piece.size();
  return ATTN_TOKENIZER_OK;
}

attn_tokenizer_status
attn_tokenizer_encode_chat(const attn_tokenizer *tok,
                           const attn_chat_message *messages,
                           size_t numMessages, uint32_t flags, int32_t *ids,
                           size_t capacity, size_t *numIds) {
  if (!tok)
    return nullArgument(__func__, "tok");
  if (!numIds)
    return nullArgument(__func__, "num_ids");
  *numIds = 0;
  if (!messages && numMessages > 0)
    return nullArgument(__func__, "messages");
  if (!ids && capacity > 0)
    return nullArgument(__func__, "ids");
  std::vector<ChatMessage> chat;
  for (size_t i = 0; i < numMessages; ++i) {
    if (!messages[i].role || !messages[i].content)
      return failWith(ATTN_TOKENIZER_ERROR_ARGUMENT,
                      std::string(__func__) + ": messages[" +
                          std::to_string(i) + "]." +
                          (messages[i].role ? "content" : "role") + " is NULL");
    chat.push_back({messages[i].role, messages[i].content});
  }
  std::vector<int32_t> out;
  std::string error;
  if (!encodeLlama3Chat(*tok->impl, chat, flags & ATTN_TOKENIZER_CHAT_BEGIN,
                        flags & ATTN_TOKENIZER_CHAT_ASSISTANT_HEADER, out,
                        error))
    return failWith(ATTN_TOKENIZER_ERROR_ARGUMENT, error);
  return copyIds(out, ids, capacity, numIds);
}

} // extern "C"
