//===- ByteLevel.cpp - GPT-2's byte-to-character mapping ------------------===//

#include "ByteLevel.h"

#include "Unicode.h"

#include <array>

namespace attn::tokenizer {

namespace {
bool standsForItself(unsigned byte) {
  return (byte >= 0x21 && byte <= 0x7E) || (byte >= 0xA1 && byte <= 0xAC) ||
         (byte >= 0xAE && byte <= 0xFF);
}

struct Tables {
  std::array<uint32_t, 256> charOfByte;
  /// Characters are all below U+0144, so a small array inverts the mapping.
  std::array<int16_t, 0x200> byteOfChar;

  Tables() {
    byteOfChar.fill(-1);
    unsigned shifted = 0;
    for (unsigned byte = 0; byte < 256; ++byte) {
      uint32_t cp = standsForItself(byte) ? byte : 0x100 + shifted++;
      charOfByte[byte] = cp;
      byteOfChar[cp] = static_cast<int16_t>(byte);
    }
  }
};

const Tables &tables() {
  static const Tables instance;
  return instance;
}
} // namespace

uint32_t byteLevelChar(uint8_t byte) { return tables().charOfByte[byte]; }

bool byteLevelToBytes(std::string_view spelling, std::string &bytes) {
  const Tables &t = tables();
  bytes.clear();
  for (size_t pos = 0; pos < spelling.size();) {
    DecodedChar c = decodeUtf8(spelling, pos);
    if (!c.valid || c.codePoint >= t.byteOfChar.size() ||
        t.byteOfChar[c.codePoint] < 0)
      return false;
    bytes.push_back(static_cast<char>(t.byteOfChar[c.codePoint]));
    pos += c.length;
  }
  return true;
}

} // namespace attn::tokenizer
