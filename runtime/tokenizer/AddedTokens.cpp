//===- AddedTokens.cpp - Tokens matched literally in the text -------------===//

#include "AddedTokens.h"

#include "Unicode.h"

#include <algorithm>

namespace attn::tokenizer {

namespace {
/// \w as the regex engines see it, for `single_word`.
bool isWordChar(uint32_t cp) {
  return cp == '_' || isLetter(cp) || isNumber(cp);
}

/// The character that ends at `pos` (> 0) of valid UTF-8 `text`.
DecodedChar charBefore(std::string_view text, size_t pos) {
  size_t start = pos - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
    --start;
  return decodeUtf8(text, start);
}
} // namespace

void AddedTokenMatcher::add(const AddedToken &token) {
  tokens.push_back(token);
  auto &bucket = byFirstByte[static_cast<unsigned char>(token.content[0])];
  // Longest first; among equals, the first added.
  auto longer =
      std::find_if(bucket.begin(), bucket.end(), [&](const AddedToken &other) {
        return other.content.size() < token.content.size();
      });
  bucket.insert(longer, token);
}

void AddedTokenMatcher::split(std::string_view text, bool includeSpecial,
                              std::vector<Segment> &out) const {
  size_t segmentStart = 0;
  for (size_t pos = 0; pos < text.size();) {
    const AddedToken *found = nullptr;
    for (const AddedToken &token :
         byFirstByte[static_cast<unsigned char>(text[pos])]) {
      if (!includeSpecial && token.special)
        continue;
      if (text.compare(pos, token.content.size(), token.content) != 0)
        continue;
      if (token.singleWord) {
        size_t end = pos + token.content.size();
        bool wordBefore =
            pos > 0 && isWordChar(charBefore(text, pos).codePoint);
        bool wordAfter =
            end < text.size() && isWordChar(decodeUtf8(text, end).codePoint);
        if (wordBefore || wordAfter)
          continue;
      }
      found = &token;
      break;
    }
    if (!found) {
      ++pos;
      continue;
    }

    size_t start = pos, end = pos + found->content.size();
    while (found->lstrip && start > segmentStart) {
      DecodedChar c = charBefore(text, start);
      if (!isWhitespace(c.codePoint))
        break;
      start -= c.length;
    }
    while (found->rstrip && end < text.size()) {
      DecodedChar c = decodeUtf8(text, end);
      if (!isWhitespace(c.codePoint))
        break;
      end += c.length;
    }
    if (start > segmentStart)
      out.push_back({text.substr(segmentStart, start - segmentStart), -1});
    out.push_back({text.substr(start, end - start), found->id});
    segmentStart = pos = end;
  }
  if (segmentStart < text.size())
    out.push_back({text.substr(segmentStart), -1});
}

} // namespace attn::tokenizer
