//===- Unicode.cpp - UTF-8 decoding and character classes -----------------===//

#include "Unicode.h"

#include <algorithm>
#include <iterator>

namespace attn::tokenizer {

namespace {
struct CodePointRange {
  uint32_t first;
  uint32_t last;
};
#include "UnicodeTables.inc"

template <size_t N>
bool inRanges(const CodePointRange (&ranges)[N], uint32_t cp) {
  const CodePointRange *it = std::upper_bound(
      std::begin(ranges), std::end(ranges), cp,
      [](uint32_t value, const CodePointRange &r) { return value < r.first; });
  return it != std::begin(ranges) && cp <= std::prev(it)->last;
}

bool inRange(unsigned char byte, unsigned char lo, unsigned char hi) {
  return byte >= lo && byte <= hi;
}
} // namespace

DecodedChar decodeUtf8(std::string_view text, size_t pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  if (lead < 0x80)
    return {lead, 1, true, false};

  // The accepted range of the second byte depends on the lead byte (Unicode
  // Table 3-7); it excludes overlong forms, surrogates and values past
  // U+10FFFF, so that the maximal subparts match the standard's.
  unsigned need;
  unsigned char secondLo = 0x80, secondHi = 0xBF;
  uint32_t cp;
  if (inRange(lead, 0xC2, 0xDF)) {
    need = 1;
    cp = lead & 0x1F;
  } else if (inRange(lead, 0xE0, 0xEF)) {
    need = 2;
    cp = lead & 0x0F;
    if (lead == 0xE0)
      secondLo = 0xA0;
    else if (lead == 0xED)
      secondHi = 0x9F;
  } else if (inRange(lead, 0xF0, 0xF4)) {
    need = 3;
    cp = lead & 0x07;
    if (lead == 0xF0)
      secondLo = 0x90;
    else if (lead == 0xF4)
      secondHi = 0x8F;
  } else {
    return {ReplacementChar, 1, false, false};
  }

  unsigned length = 1;
  for (unsigned i = 0; i < need; ++i) {
    if (pos + length >= text.size())
      return {ReplacementChar, length, false, true};
    unsigned char next = byte(pos + length);
    bool ok =
        i == 0 ? inRange(next, secondLo, secondHi) : inRange(next, 0x80, 0xBF);
    if (!ok)
      return {ReplacementChar, length, false, false};
    cp = (cp << 6) | (next & 0x3F);
    ++length;
  }
  return {cp, length, true, false};
}

size_t findInvalidUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    DecodedChar c = decodeUtf8(text, pos);
    if (!c.valid)
      return pos;
    pos += c.length;
  }
  return std::string_view::npos;
}

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void appendUtf8Lossy(std::string &out, std::string_view bytes) {
  for (size_t pos = 0; pos < bytes.size();) {
    DecodedChar c = decodeUtf8(bytes, pos);
    if (c.valid)
      out.append(bytes.substr(pos, c.length));
    else
      appendUtf8(out, ReplacementChar);
    pos += c.length;
  }
}

bool isLetter(uint32_t cp) {
  if (cp < 0x80)
    return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  return inRanges(LetterRanges, cp);
}

bool isNumber(uint32_t cp) {
  if (cp < 0x80)
    return cp >= '0' && cp <= '9';
  return inRanges(NumberRanges, cp);
}

bool isWhitespace(uint32_t cp) {
  switch (cp) {
  case 0x09:
  case 0x0A:
  case 0x0B:
  case 0x0C:
  case 0x0D:
  case 0x20:
  case 0x85:
  case 0xA0:
  case 0x1680:
  case 0x2028:
  case 0x2029:
  case 0x202F:
  case 0x205F:
  case 0x3000:
    return true;
  default:
    return cp >= 0x2000 && cp <= 0x200A;
  }
}

} // namespace attn::tokenizer
