//===- TestTokenizers.h - Tokenizers written by the tests -------*- C++ -*-===//
//
// Two small tokenizer.json files, one per family, whose vocabularies and
// merges are chosen so that each rule of the pipeline changes the result.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_TOKENIZER_TESTTOKENIZERS_H
#define ATTN_TEST_TOKENIZER_TESTTOKENIZERS_H

#include "attn/tokenizer.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace attn::test {

using Json = nlohmann::json;

/// Llama 2's shape: Prepend/Replace normaliser, BPE with byte fallback and
/// an unknown token, a BOS template, a Replace/ByteFallback/Fuse/Strip
/// decoder.
///
/// Ids: 0 <unk>, 1 <s>, 2 </s>, 3..7 <0xC3> <0xA9> <0xE2> <0x82> <0xAC>,
/// 8 ▁, 9 a, 10 b, 11 c, 12 ▁a, 13 ab, 14 ▁ab, 15 bc, 16 abc, 17 ▁abc,
/// 18 bb; added: 19 "cc" (normalised), 20 "<sep>" (special, strips spaces),
/// 21 "dd" (single word).
inline Json sentencePieceLike() {
  Json vocab = Json::object();
  const char *pieces[] = {"<unk>",  "<s>",    "</s>",      "<0xC3>", "<0xA9>",
                          "<0xE2>", "<0x82>", "<0xAC>",    "\u2581", "a",
                          "b",      "c",      "\u2581a",   "ab",     "\u2581ab",
                          "bc",     "abc",    "\u2581abc", "bb"};
  for (int i = 0; i < int(std::size(pieces)); ++i)
    vocab[pieces[i]] = i;
  Json merges = Json::array(
      {"\u2581 a", "b c", "a b", "\u2581a b", "\u2581ab c", "a bc", "b b"});
  auto added = [](int id, const char *content, bool special, bool normalized) {
    return Json{{"id", id},
                {"content", content},
                {"special", special},
                {"normalized", normalized},
                {"lstrip", false},
                {"rstrip", false},
                {"single_word", false}};
  };
  Json addedTokens = Json::array(
      {added(0, "<unk>", true, false), added(1, "<s>", true, false),
       added(2, "</s>", true, false), added(19, "cc", false, true),
       added(20, "<sep>", true, false), added(21, "dd", false, false)});
  addedTokens[4]["lstrip"] = true;
  addedTokens[4]["rstrip"] = true;
  addedTokens[5]["single_word"] = true;
  return Json{
      {"version", "1.0"},
      {"added_tokens", addedTokens},
      {"normalizer",
       {{"type", "Sequence"},
        {"normalizers",
         Json::array({{{"type", "Prepend"}, {"prepend", "\u2581"}},
                      {{"type", "Replace"},
                       {"pattern", {{"String", " "}}},
                       {"content", "\u2581"}}})}}},
      {"pre_tokenizer", nullptr},
      {"post_processor",
       {{"type", "TemplateProcessing"},
        {"single", Json::array({{{"SpecialToken", {{"id", "<s>"}}}},
                                {{"Sequence", {{"id", "A"}}}}})},
        {"special_tokens",
         {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}}},
      {"decoder",
       {{"type", "Sequence"},
        {"decoders", Json::array({{{"type", "Replace"},
                                   {"pattern", {{"String", "\u2581"}}},
                                   {"content", " "}},
                                  {{"type", "ByteFallback"}},
                                  {{"type", "Fuse"}},
                                  {{"type", "Strip"},
                                   {"content", " "},
                                   {"start", 1},
                                   {"stop", 0}}})}}},
      {"model",
       {{"type", "BPE"},
        {"dropout", nullptr},
        {"unk_token", "<unk>"},
        {"fuse_unk", true},
        {"byte_fallback", true},
        {"vocab", vocab},
        {"merges", merges}}}};
}

/// The byte-level spelling of `byte` (GPT-2's table, written out here
/// independently of the implementation).
inline std::string byteLevelSpelling(unsigned byte) {
  auto printable = [](unsigned b) {
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) ||
           (b >= 0xAE && b <= 0xFF);
  };
  unsigned cp = byte;
  if (!printable(byte)) {
    cp = 0x100;
    for (unsigned b = 0; b < byte; ++b)
      cp += !printable(b);
  }
  std::string out;
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
  return out;
}

/// Llama 3's shape: the Llama 3 split regex, byte-level BPE with
/// ignore_merges, a ByteLevel decoder. Ids 0..255 are the bytes in order;
/// 256 he, 257 ll, 258 hell, 259 hello, 260 Ġh, 261 Ġhey (reachable by no
/// merge), 262 <|eot_id|>, 263 <|start_header_id|>, 264 <|end_header_id|>,
/// 265 <|begin_of_text|>.
inline Json byteLevelLike() {
  Json vocab = Json::object();
  for (unsigned b = 0; b < 256; ++b)
    vocab[byteLevelSpelling(b)] = b;
  const std::string space = byteLevelSpelling(' ');
  vocab["he"] = 256;
  vocab["ll"] = 257;
  vocab["hell"] = 258;
  vocab["hello"] = 259;
  vocab[space + "h"] = 260;
  vocab[space + "hey"] = 261;
  Json merges =
      Json::array({Json::array({"h", "e"}), Json::array({"l", "l"}),
                   Json::array({"he", "ll"}), Json::array({"hell", "o"}),
                   Json::array({space, "h"})});
  auto special = [](int id, const char *content) {
    return Json{{"id", id},
                {"content", content},
                {"special", true},
                {"normalized", false},
                {"lstrip", false},
                {"rstrip", false},
                {"single_word", false}};
  };
  return Json{
      {"added_tokens", Json::array({special(262, "<|eot_id|>"),
                                    special(263, "<|start_header_id|>"),
                                    special(264, "<|end_header_id|>"),
                                    special(265, "<|begin_of_text|>")})},
      {"normalizer", nullptr},
      {"pre_tokenizer",
       {{"type", "Sequence"},
        {"pretokenizers",
         Json::array(
             {{{"type", "Split"},
               {"pattern",
                {{"Regex",
                  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
                  "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|"
                  "\\s+(?!\\S)|\\s+"}}},
               {"behavior", "Isolated"},
               {"invert", false}},
              {{"type", "ByteLevel"},
               {"add_prefix_space", false},
               {"trim_offsets", true},
               {"use_regex", false}}})}}},
      {"post_processor", {{"type", "ByteLevel"}}},
      {"decoder", {{"type", "ByteLevel"}}},
      {"model",
       {{"type", "BPE"},
        {"ignore_merges", true},
        {"vocab", vocab},
        {"merges", merges}}}};
}

struct TokenizerDeleter {
  void operator()(attn_tokenizer *tok) const { attn_tokenizer_free(tok); }
};
using TokenizerPtr = std::unique_ptr<attn_tokenizer, TokenizerDeleter>;

/// Loads `json` (and `config` unless null); null on failure.
inline TokenizerPtr loadJson(const Json &json, const Json &config = nullptr) {
  std::string text = json.dump();
  std::string configText = config.is_null() ? "" : config.dump();
  attn_tokenizer *tok = nullptr;
  attn_tokenizer_load_from_memory(text.data(), text.size(), configText.data(),
                                  configText.size(), &tok);
  return TokenizerPtr(tok);
}

/// Encodes through the C API; empty with `ok` false on failure.
inline std::vector<int32_t> encode(const attn_tokenizer *tok,
                                   const std::string &text, uint32_t flags = 0,
                                   bool *ok = nullptr) {
  size_t needed = 0;
  attn_tokenizer_status status = attn_tokenizer_encode(
      tok, text.data(), text.size(), flags, nullptr, 0, &needed);
  std::vector<int32_t> ids(needed);
  if (status == ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL)
    status = attn_tokenizer_encode(tok, text.data(), text.size(), flags,
                                   ids.data(), ids.size(), &needed);
  if (ok)
    *ok = status == ATTN_TOKENIZER_OK;
  if (status != ATTN_TOKENIZER_OK)
    ids.clear();
  return ids;
}

/// Decodes through the C API; "<error>" on failure.
inline std::string decode(const attn_tokenizer *tok,
                          const std::vector<int32_t> &ids, uint32_t flags = 0) {
  size_t len = 0;
  attn_tokenizer_decode(tok, ids.data(), ids.size(), flags, nullptr, 0, &len);
  std::string text(len + 1, '\0');
  if (attn_tokenizer_decode(tok, ids.data(), ids.size(), flags, text.data(),
                            text.size(), &len) != ATTN_TOKENIZER_OK)
    return "<error>";
  text.resize(len);
  return text;
}

/// Streams `ids` one at a time; returns the pieces, the finish piece last.
inline std::vector<std::string> stream(const attn_tokenizer *tok,
                                       const std::vector<int32_t> &ids,
                                       uint32_t flags = 0) {
  attn_tokenizer_stream *s = nullptr;
  std::vector<std::string> pieces;
  if (attn_tokenizer_stream_create(tok, flags, &s) != ATTN_TOKENIZER_OK)
    return pieces;
  const char *piece;
  size_t len;
  for (int32_t id : ids) {
    if (attn_tokenizer_stream_push(s, id, &piece, &len) != ATTN_TOKENIZER_OK)
      pieces.push_back("<error>");
    else
      pieces.emplace_back(piece, len);
  }
  attn_tokenizer_stream_finish(s, &piece, &len);
  pieces.emplace_back(piece, len);
  attn_tokenizer_stream_free(s);
  return pieces;
}

/// The folder of shared test data, or "" when absent.
inline std::string sharedDir() {
  if (const char *dir = std::getenv("ATTN_SHARED_DIR"))
    return dir;
  return ATTN_DEFAULT_SHARED_DIR;
}

} // namespace attn::test

#endif // ATTN_TEST_TOKENIZER_TESTTOKENIZERS_H
