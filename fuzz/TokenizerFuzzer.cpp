//===- TokenizerFuzzer.cpp - tokenizer.json, its config, and a text -------===//
//
// The input is three parts separated by NUL bytes (which JSON text cannot
// hold): tokenizer.json, tokenizer_config.json and a text. A tokenizer that
// loads then encodes the text, decodes the ids back (whole and streamed) and
// decodes its first ids one by one, so a table sized by one file and
// indexed through another is exercised, not only the loader. Errors must
// name the file, and every id encode returns must be inside the vocabulary.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "attn/tokenizer.h"

#include <string>
#include <string_view>
#include <vector>

using attn::fuzz::check;

/// Splits off the part before the first NUL (all of `rest` if none).
static std::string_view takePart(std::string_view &rest) {
  size_t nul = rest.find('\0');
  std::string_view part = rest.substr(0, nul);
  rest =
      nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  return part;
}

static bool isValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = text[i];
    size_t n = c < 0x80         ? 1
               : (c >> 5) == 6  ? 2
               : (c >> 4) == 14 ? 3
               : (c >> 3) == 30 ? 4
                                : 0;
    if (!n || i + n > text.size())
      return false;
    for (size_t k = 1; k < n; ++k)
      if ((text[i + k] & 0xC0) != 0x80)
        return false;
    i += n;
  }
  return true;
}

static void decodeAll(const attn_tokenizer *tok,
                      const std::vector<int32_t> &ids, uint32_t flags) {
  size_t len = 0;
  attn_tokenizer_status status = attn_tokenizer_decode(
      tok, ids.data(), ids.size(), flags, nullptr, 0, &len);
  if (status != ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL)
    return;
  std::string text(len + 1, '\0');
  check(attn_tokenizer_decode(tok, ids.data(), ids.size(), flags, text.data(),
                              text.size(), &len) == ATTN_TOKENIZER_OK,
        "decode succeeds with the size it asked for",
        attn_tokenizer_last_error());
  check(text[len] == '\0', "decoded text is NUL-terminated");
}

static void stream(const attn_tokenizer *tok, const std::vector<int32_t> &ids) {
  attn_tokenizer_stream *stream = nullptr;
  if (attn_tokenizer_stream_create(tok, 0, &stream) != ATTN_TOKENIZER_OK)
    return;
  const char *piece;
  size_t len;
  for (int32_t id : ids)
    if (attn_tokenizer_stream_push(stream, id, &piece, &len) ==
        ATTN_TOKENIZER_OK)
      check(isValidUtf8(std::string_view(piece, len)),
            "streamed pieces are valid UTF-8");
  if (attn_tokenizer_stream_finish(stream, &piece, &len) == ATTN_TOKENIZER_OK)
    check(isValidUtf8(std::string_view(piece, len)),
          "the stream's last piece is valid UTF-8");
  attn_tokenizer_stream_free(stream);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view rest(reinterpret_cast<const char *>(data), size);
  std::string_view json = takePart(rest);
  std::string_view config = takePart(rest);
  std::string_view text = rest;

  attn_tokenizer *tok = nullptr;
  // An empty input may come without a buffer; NULL would be an argument
  // error, not the empty file being tested.
  const char *jsonText = json.data() ? json.data() : "";
  if (attn_tokenizer_load_from_memory(jsonText, json.size(), config.data(),
                                      config.size(),
                                      &tok) != ATTN_TOKENIZER_OK) {
    std::string message = attn_tokenizer_last_error();
    check(attn::fuzz::startsWith(message, "tokenizer.json") ||
              attn::fuzz::startsWith(message, "tokenizer_config.json"),
          "a load error names the file", message);
    return 0;
  }
  int32_t vocab = attn_tokenizer_vocab_size(tok);
  check(vocab >= 0, "the vocabulary size is not negative");

  for (uint32_t flags :
       {0u, unsigned(ATTN_TOKENIZER_ADD_SPECIAL | ATTN_TOKENIZER_ADD_BOS),
        unsigned(ATTN_TOKENIZER_SPECIAL_AS_TEXT)}) {
    size_t count = 0;
    attn_tokenizer_status status = attn_tokenizer_encode(
        tok, text.data(), text.size(), flags, nullptr, 0, &count);
    if (status != ATTN_TOKENIZER_OK &&
        status != ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL)
      continue;
    std::vector<int32_t> ids(count);
    size_t written = 0;
    check(attn_tokenizer_encode(tok, text.data(), text.size(), flags,
                                ids.data(), ids.size(),
                                &written) == ATTN_TOKENIZER_OK &&
              written == count,
          "encode succeeds with the size it asked for",
          attn_tokenizer_last_error());
    for (int32_t id : ids)
      check(id >= 0 && id < vocab, "encoded ids are in the vocabulary",
            std::to_string(id) + " of " + std::to_string(vocab));
    decodeAll(tok, ids, 0);
    decodeAll(tok, ids, ATTN_TOKENIZER_SKIP_SPECIAL);
    stream(tok, ids);
  }

  // Every id a small vocabulary has, and ids just outside it.
  std::vector<int32_t> ids;
  for (int32_t id = -1; id <= vocab && id < 256; ++id)
    ids.push_back(id);
  ids.push_back(vocab);
  for (int32_t id : ids) {
    decodeAll(tok, {id}, 0);
    attn_tokenizer_is_special(tok, id);
    attn_tokenizer_is_end_of_generation(tok, id);
  }
  stream(tok, ids);
  attn_tokenizer_free(tok);
  return 0;
}
