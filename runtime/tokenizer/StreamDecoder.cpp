//===- StreamDecoder.cpp - Decoding one token at a time -------------------===//

#include "StreamDecoder.h"

#include "Unicode.h"

namespace attn::tokenizer {

void StreamDecoder::reset() {
  pending.clear();
  stripLeft = tok.getDecoder().leadingStrip().count;
}

bool StreamDecoder::push(int32_t id, std::string &text, std::string &error) {
  text.clear();
  if (!tok.checkId(id, error))
    return false;
  if (skipSpecial && tok.isSpecial(id))
    return true;

  std::string bytes;
  tok.getDecoder().appendPieceBytes(tok.spelling(id), bytes);
  // Like the Strip that follows Fuse, remove leading characters of the whole
  // text only: once any other byte has been seen, stop.
  const std::string &strip = tok.getDecoder().leadingStrip().content;
  size_t cut = 0;
  while (stripLeft > 0 && !strip.empty() &&
         bytes.compare(cut, strip.size(), strip) == 0) {
    cut += strip.size();
    --stripLeft;
  }
  if (cut < bytes.size())
    stripLeft = 0;
  pending.append(bytes, cut, std::string::npos);
  drain(text);
  return true;
}

void StreamDecoder::drain(std::string &text) {
  size_t pos = 0;
  while (pos < pending.size()) {
    DecodedChar c = decodeUtf8(pending, pos);
    if (c.truncated)
      break;
    if (c.valid)
      text.append(pending, pos, c.length);
    else
      appendUtf8(text, ReplacementChar);
    pos += c.length;
  }
  pending.erase(0, pos);
}

void StreamDecoder::finish(std::string &text) {
  text.clear();
  appendUtf8Lossy(text, pending);
  reset();
}

} // namespace attn::tokenizer
