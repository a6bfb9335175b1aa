//===- Tokenizer.cpp - Encoding and decoding through the pipeline ---------===//

#include "Tokenizer.h"

#include "ByteLevel.h"
#include "Unicode.h"

#include <algorithm>

namespace attn::tokenizer {

void Tokenizer::setSpelling(int32_t id, std::string text, bool isSpecial) {
  if (size_t(id) >= spellings.size()) {
    spellings.resize(size_t(id) + 1);
    special.resize(size_t(id) + 1, false);
    exists.resize(size_t(id) + 1, false);
  }
  spellings[id] = std::move(text);
  special[id] = isSpecial;
  exists[id] = true;
}

int32_t Tokenizer::findToken(std::string_view text) const {
  if (auto it = addedTokenIds.find(std::string(text));
      it != addedTokenIds.end())
    return it->second;
  std::string key(text);
  if (model.alphabet == BpeModel::Alphabet::Bytes &&
      !byteLevelToBytes(text, key))
    return -1;
  auto it = model.ids.find(key);
  return it == model.ids.end() ? -1 : it->second;
}

bool Tokenizer::checkId(int32_t id, std::string &error) const {
  if (id >= 0 && id < vocabSize() && exists[id])
    return true;
  if (id < 0 || id >= vocabSize())
    error = "token id " + std::to_string(id) + " is outside [0, " +
            std::to_string(vocabSize()) + ")";
  else
    error = "token id " + std::to_string(id) + " names no token";
  return false;
}

void Tokenizer::encodeText(std::string_view text,
                           std::vector<int32_t> &out) const {
  std::string normalized;
  std::string_view current = text;
  if (!normalizer.empty()) {
    normalized = normalizer.normalize(text);
    current = normalized;
  }
  std::vector<Segment> segments;
  if (normalizedAddedTokens.empty())
    segments.push_back({current, -1});
  else
    normalizedAddedTokens.split(current, /*includeSpecial=*/true, segments);

  std::vector<std::string_view> words;
  for (const Segment &segment : segments) {
    if (segment.tokenId >= 0) {
      out.push_back(segment.tokenId);
      continue;
    }
    words.clear();
    if (preTokenizer.empty())
      words.push_back(segment.text);
    else
      preTokenizer.split(segment.text, words);
    for (std::string_view word : words)
      model.encodeWord(word, out);
  }
}

bool Tokenizer::encode(std::string_view text, const EncodeOptions &options,
                       std::vector<int32_t> &out, std::string &error) const {
  if (size_t bad = findInvalidUtf8(text); bad != std::string_view::npos) {
    error = "text is not valid UTF-8: byte " + std::to_string(bad) + " (0x";
    const char *hex = "0123456789ABCDEF";
    unsigned char byte = static_cast<unsigned char>(text[bad]);
    error += hex[byte >> 4];
    error += hex[byte & 15];
    error += ") starts no valid character";
    return false;
  }

  size_t first = out.size();
  if (options.addSpecial)
    out.insert(out.end(), prefixIds.begin(), prefixIds.end());
  if (options.addBos && bosId >= 0 &&
      (out.size() == first || out[first] != bosId))
    out.insert(out.begin() + first, bosId);

  std::vector<Segment> segments;
  rawAddedTokens.split(text, !options.specialAsText, segments);
  for (const Segment &segment : segments) {
    if (segment.tokenId >= 0)
      out.push_back(segment.tokenId);
    else
      encodeText(segment.text, out);
  }

  if (options.addSpecial)
    out.insert(out.end(), suffixIds.begin(), suffixIds.end());
  return true;
}

bool Tokenizer::decode(const int32_t *ids, size_t count, bool skipSpecial,
                       std::string &text, std::string &error) const {
  std::vector<std::string> tokens;
  tokens.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    if (!checkId(ids[i], error)) {
      error = "ids[" + std::to_string(i) + "]: " + error;
      return false;
    }
    if (skipSpecial && special[ids[i]])
      continue;
    tokens.push_back(spellings[ids[i]]);
  }
  text = decoder.decode(std::move(tokens));
  return true;
}

} // namespace attn::tokenizer
