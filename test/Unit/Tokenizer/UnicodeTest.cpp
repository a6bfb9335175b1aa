//===- UnicodeTest.cpp - UTF-8 decoding and character classes -------------===//

#include "Unicode.h"
#include "ByteLevel.h"

#include <gtest/gtest.h>

using namespace attn::tokenizer;

namespace {

std::string lossy(std::string_view bytes) {
  std::string out;
  appendUtf8Lossy(out, bytes);
  return out;
}

TEST(Utf8, DecodesEachLength) {
  std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  uint32_t expected[] = {'a', 0xE9, 0x20AC, 0x1F600};
  size_t pos = 0;
  for (uint32_t cp : expected) {
    DecodedChar c = decodeUtf8(text, pos);
    ASSERT_TRUE(c.valid);
    EXPECT_EQ(c.codePoint, cp);
    pos += c.length;
  }
  EXPECT_EQ(pos, text.size());
  EXPECT_EQ(findInvalidUtf8(text), std::string::npos);
}

TEST(Utf8, ReplacesMaximalSubpartsLikeRust) {
  // Unicode's Table 3-8 examples, as String::from_utf8_lossy replaces them.
  EXPECT_EQ(lossy("\xC0\xAF"), "\uFFFD\uFFFD");           // overlong lead
  EXPECT_EQ(lossy("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD"); // surrogate
  EXPECT_EQ(lossy("\xF0\x9F\x98"), "\uFFFD");             // truncated
  EXPECT_EQ(lossy("\xE2\x82"
                  "A"),
            "\uFFFD"
            "A");
  EXPECT_EQ(lossy("\xF4\x90\x80\x80"), "\uFFFD\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(lossy("\x80"), "\uFFFD");
  EXPECT_EQ(findInvalidUtf8("ab\xFF"), 2u);
}

TEST(Utf8, TruncationIsToldApartFromInvalidity) {
  EXPECT_TRUE(decodeUtf8("\xE2\x82", 0).truncated);
  EXPECT_FALSE(decodeUtf8("\xE2\x41", 0).truncated);
  EXPECT_FALSE(decodeUtf8("\xFF", 0).truncated);
}

TEST(CharacterClasses, LettersNumbersAndSpaces) {
  for (uint32_t cp :
       {uint32_t('a'), 0xE9u, 0x416u /*Ж*/, 0x627u /*ا*/, 0x4F60u /*你*/,
        0x3042u /*あ*/, 0xD55Cu /*한*/, 0x2B0u /*ʰ, Lm*/})
    EXPECT_TRUE(isLetter(cp)) << std::hex << cp;
  for (uint32_t cp :
       {uint32_t('1'), 0xB2u /*²*/, 0x661u /*١*/, 0x216Bu /*Ⅻ*/, 0x2460u /*①*/})
    EXPECT_TRUE(isNumber(cp)) << std::hex << cp;
  for (uint32_t cp : {uint32_t('-'), 0x1F600u, 0x301u /*combining*/, 0x200Du})
    EXPECT_FALSE(isLetter(cp) || isNumber(cp)) << std::hex << cp;
  for (uint32_t cp : {0x20u, 0x9u, 0xAu, 0xA0u, 0x2003u, 0x3000u, 0x85u})
    EXPECT_TRUE(isWhitespace(cp)) << std::hex << cp;
  for (uint32_t cp : {0x200Bu /*zero width space*/, uint32_t('x')})
    EXPECT_FALSE(isWhitespace(cp)) << std::hex << cp;
}

TEST(ByteLevel, SpellsBytesAsGpt2Does) {
  EXPECT_EQ(byteLevelChar('A'), uint32_t('A'));
  EXPECT_EQ(byteLevelChar(' '), 0x120u);  // Ġ
  EXPECT_EQ(byteLevelChar('\n'), 0x10Au); // Ċ
  EXPECT_EQ(byteLevelChar(0xAD), 0x143u);
  std::string bytes;
  ASSERT_TRUE(byteLevelToBytes("\xC4\xA0hi", bytes)); // "Ġhi"
  EXPECT_EQ(bytes, " hi");
  EXPECT_FALSE(byteLevelToBytes("\xE2\x82\xAC", bytes)); // € spells no byte
}

} // namespace
