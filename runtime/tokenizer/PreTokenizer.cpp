//===- PreTokenizer.cpp - Splitting text into words -----------------------===//

#include "PreTokenizer.h"

#include "Unicode.h"

#include <cstdint>

namespace attn::tokenizer {

namespace {
constexpr std::string_view Llama3Source =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr std::string_view Gpt2Source =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| "
    "?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/// The character classes the patterns distinguish. A line break is also
/// whitespace; `Other` is [^\s\p{L}\p{N}].
enum class CharClass : uint8_t { Letter, Number, LineBreak, Space, Other };

CharClass classify(uint32_t cp) {
  if (cp == '\r' || cp == '\n')
    return CharClass::LineBreak;
  if (isWhitespace(cp))
    return CharClass::Space;
  if (isLetter(cp))
    return CharClass::Letter;
  if (isNumber(cp))
    return CharClass::Number;
  return CharClass::Other;
}

/// The text decoded once, so that matching can look around freely.
struct Chars {
  std::vector<uint32_t> cps;
  std::vector<CharClass> classes;
  std::vector<size_t> offsets; ///< Byte offset of each character, plus end.

  explicit Chars(std::string_view text) {
    for (size_t pos = 0; pos < text.size();) {
      DecodedChar c = decodeUtf8(text, pos);
      cps.push_back(c.codePoint);
      classes.push_back(classify(c.codePoint));
      offsets.push_back(pos);
      pos += c.length;
    }
    offsets.push_back(text.size());
  }
  size_t size() const { return cps.size(); }
  bool is(size_t i, CharClass c) const { return i < size() && classes[i] == c; }
  bool isSpace(size_t i) const {
    return i < size() && (classes[i] == CharClass::Space ||
                          classes[i] == CharClass::LineBreak);
  }
  size_t skip(size_t i, CharClass c) const {
    while (is(i, c))
      ++i;
    return i;
  }
  size_t skipSpace(size_t i) const {
    while (isSpace(i))
      ++i;
    return i;
  }
};

/// Folds the characters that Oniguruma's case-insensitive matching equates
/// with the ASCII letters of the contractions.
uint32_t foldContractionLetter(uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z')
    return cp | 0x20;
  if (cp == 0x17F) // LATIN SMALL LETTER LONG S folds to 's'.
    return 's';
  return cp;
}

/// 's|'t|'re|'ve|'m|'ll|'d: returns the end of the match, or `i`.
size_t matchContraction(const Chars &c, size_t i, bool ignoreCase) {
  if (c.cps[i] != '\'' || i + 1 >= c.size())
    return i;
  auto at = [&](size_t k) {
    if (k >= c.size())
      return uint32_t(0);
    return ignoreCase ? foldContractionLetter(c.cps[k]) : c.cps[k];
  };
  switch (at(i + 1)) {
  case 's':
  case 't':
  case 'm':
  case 'd':
    return i + 2;
  case 'r':
  case 'v':
    return at(i + 2) == 'e' ? i + 3 : i;
  case 'l':
    return at(i + 2) == 'l' ? i + 3 : i;
  default:
    return i;
  }
}

/// \s+(?!\S)|\s+ from `i`, where c.isSpace(i): a run of whitespace followed
/// by a non-space gives its last character to the next word.
size_t matchTrailingSpace(const Chars &c, size_t i) {
  size_t end = c.skipSpace(i);
  if (end == c.size() || end - i == 1)
    return end;
  return end - 1;
}

size_t matchLlama3(const Chars &c, size_t i) {
  if (size_t end = matchContraction(c, i, /*ignoreCase=*/true); end != i)
    return end;
  CharClass cls = c.classes[i];
  // [^\r\n\p{L}\p{N}]?\p{L}+
  if (cls == CharClass::Letter)
    return c.skip(i, CharClass::Letter);
  if ((cls == CharClass::Space || cls == CharClass::Other) &&
      c.is(i + 1, CharClass::Letter))
    return c.skip(i + 1, CharClass::Letter);
  // \p{N}{1,3}
  if (cls == CharClass::Number) {
    size_t end = i + 1;
    while (end < i + 3 && c.is(end, CharClass::Number))
      ++end;
    return end;
  }
  // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
  size_t start = c.cps[i] == ' ' && c.is(i + 1, CharClass::Other) ? i + 1 : i;
  if (c.is(start, CharClass::Other))
    return c.skip(c.skip(start, CharClass::Other), CharClass::LineBreak);
  // \s*[\r\n]+ backtracks to end after the last line break of the run.
  size_t runEnd = c.skipSpace(i);
  for (size_t k = runEnd; k > i; --k)
    if (c.is(k - 1, CharClass::LineBreak))
      return k;
  // \s+(?!\S)|\s+
  return matchTrailingSpace(c, i);
}

size_t matchGpt2(const Chars &c, size_t i) {
  if (size_t end = matchContraction(c, i, /*ignoreCase=*/false); end != i)
    return end;
  size_t start = c.cps[i] == ' ' ? i + 1 : i;
  //  ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+
  for (CharClass cls : {CharClass::Letter, CharClass::Number, CharClass::Other})
    if (c.is(start, cls))
      return c.skip(start, cls);
  return matchTrailingSpace(c, i);
}
} // namespace

bool recognizeSplitPattern(std::string_view regex, SplitPattern &pattern) {
  if (regex == Llama3Source)
    pattern = SplitPattern::Llama3;
  else if (regex == Gpt2Source)
    pattern = SplitPattern::Gpt2;
  else
    return false;
  return true;
}

std::string_view splitPatternSource(SplitPattern pattern) {
  return pattern == SplitPattern::Llama3 ? Llama3Source : Gpt2Source;
}

void PreTokenizer::split(std::string_view text,
                         std::vector<std::string_view> &words) const {
  size_t first = words.size();
  words.push_back(text);
  std::vector<std::string_view> next;
  for (SplitPattern pattern : splits) {
    next.assign(words.begin() + first, words.end());
    words.resize(first);
    for (std::string_view piece : next) {
      Chars chars(piece);
      // Every character starts some alternative of both patterns, so the
      // matches tile the piece and no stretch between them is left over.
      for (size_t i = 0; i < chars.size();) {
        size_t end = pattern == SplitPattern::Llama3 ? matchLlama3(chars, i)
                                                     : matchGpt2(chars, i);
        words.push_back(piece.substr(chars.offsets[i],
                                     chars.offsets[end] - chars.offsets[i]));
        i = end;
      }
    }
  }
}

} // namespace attn::tokenizer
