//===- PreTokenizerTest.cpp - The Llama 3 and GPT-2 split regexes ---------===//
//
// Expected words follow from the regex's leftmost-first alternation and
// backtracking; each case notes the alternative that decides it.
//
//===----------------------------------------------------------------------===//

#include "PreTokenizer.h"

#include <gtest/gtest.h>

using namespace attn::tokenizer;
using Words = std::vector<std::string>;

namespace {

Words split(SplitPattern pattern, std::string_view text) {
  PreTokenizer pre;
  pre.addSplit(pattern);
  std::vector<std::string_view> views;
  pre.split(text, views);
  return Words(views.begin(), views.end());
}

Words llama3(std::string_view text) {
  return split(SplitPattern::Llama3, text);
}

TEST(Llama3Split, LettersTakeOneLeadingNonLetter) {
  EXPECT_EQ(llama3("Hello world"), (Words{"Hello", " world"}));
  EXPECT_EQ(llama3("(hi)"), (Words{"(hi", ")"}));
  EXPECT_EQ(llama3("\"Quote\""), (Words{"\"Quote", "\""}));
}

TEST(Llama3Split, ContractionsIgnoreCase) {
  EXPECT_EQ(llama3("I'm YOU'RE"), (Words{"I", "'m", " YOU", "'RE"}));
  EXPECT_EQ(llama3("they'll've"), (Words{"they", "'ll", "'ve"}));
  // 'x is no contraction: the apostrophe leads the letters instead.
  EXPECT_EQ(llama3("'xyz"), (Words{"'xyz"}));
  // Oniguruma folds U+017F (long s) to 's'.
  EXPECT_EQ(llama3("'\xC5\xBFx"), (Words{"'\xC5\xBF", "x"}));
}

TEST(Llama3Split, NumbersInGroupsOfThree) {
  EXPECT_EQ(llama3("1234567"), (Words{"123", "456", "7"}));
  EXPECT_EQ(llama3("a1b22"), (Words{"a", "1", "b", "22"}));
  // ² is \p{N}.
  EXPECT_EQ(llama3("x\xC2\xB2"), (Words{"x", "\xC2\xB2"}));
}

TEST(Llama3Split, PunctuationKeepsOneSpaceAndTrailingNewlines) {
  EXPECT_EQ(llama3("a !!!\n\nb"), (Words{"a", " !!!\n\n", "b"}));
  // The run is taken greedily and not given back to the letters.
  EXPECT_EQ(llama3("...x"), (Words{"...", "x"}));
}

TEST(Llama3Split, WhitespaceRuns) {
  // \s+(?!\S) leaves the last space to the word that follows.
  EXPECT_EQ(llama3("a   b"), (Words{"a", "  ", " b"}));
  // At the end of the text the whole run goes.
  EXPECT_EQ(llama3("a   "), (Words{"a", "   "}));
  // \s*[\r\n]+ ends after the last line break of a run.
  EXPECT_EQ(llama3("a \n \n  b"), (Words{"a", " \n \n", " ", " b"}));
  EXPECT_EQ(llama3("\r\n\r\nx"), (Words{"\r\n\r\n", "x"}));
  // A single space before a digit is left alone by \s+(?!\S)'s backtrack
  // and taken whole by \s+.
  EXPECT_EQ(llama3("a 1"), (Words{"a", " ", "1"}));
  // A tab may lead letters; a line break may not.
  EXPECT_EQ(llama3("\tx\ny"), (Words{"\tx", "\n", "y"}));
}

TEST(Llama3Split, UnicodeClasses) {
  // NBSP is \s; "é" is \p{L}; "—" is neither.
  EXPECT_EQ(llama3("caf\xC3\xA9\xC2\xA0\xE2\x80\x94x"),
            (Words{"caf\xC3\xA9", "\xC2\xA0", "\xE2\x80\x94x"}));
  EXPECT_EQ(llama3("\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C"), // 你好，
            (Words{"\xE4\xBD\xA0\xE5\xA5\xBD", "\xEF\xBC\x8C"}));
  EXPECT_EQ(llama3("\xF0\x9F\x98\x80\xF0\x9F\x8E\x89!"), // 😀🎉!
            (Words{"\xF0\x9F\x98\x80\xF0\x9F\x8E\x89!"}));
}

TEST(Gpt2Split, ContractionsAreCaseSensitiveAndNumbersUnbounded) {
  EXPECT_EQ(split(SplitPattern::Gpt2, "I'M it's 12345  x"),
            (Words{"I", "'", "M", " it", "'s", " 12345", " ", " x"}));
}

TEST(SplitPatterns, RecognizesOnlyTheKnownSources) {
  SplitPattern pattern;
  EXPECT_TRUE(
      recognizeSplitPattern(splitPatternSource(SplitPattern::Llama3), pattern));
  EXPECT_EQ(pattern, SplitPattern::Llama3);
  EXPECT_FALSE(recognizeSplitPattern("\\w+", pattern));
}

} // namespace
