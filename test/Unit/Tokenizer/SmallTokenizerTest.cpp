//===- SmallTokenizerTest.cpp - Each rule on tokenizers the tests write ---===//
//
// The expected ids follow by hand from the vocabularies and merges in
// TestTokenizers.h; each case names the rule that makes it come out so.
//
//===----------------------------------------------------------------------===//

#include "TestTokenizers.h"

#include <gtest/gtest.h>

using namespace attn::test;
using Ids = std::vector<int32_t>;

namespace {

class SentencePieceLike : public ::testing::Test {
protected:
  TokenizerPtr tok = loadJson(sentencePieceLike());
  void SetUp() override {
    ASSERT_NE(tok, nullptr) << attn_tokenizer_last_error();
  }
};

TEST_F(SentencePieceLike, MergesApplyByRankNotByLength) {
  // "▁ a" (rank 0) then "b c" (rank 1) leave "▁a bc", which no merge joins,
  // although "▁abc" is in the vocabulary.
  EXPECT_EQ(encode(tok.get(), "abc"), (Ids{12, 15}));
  EXPECT_EQ(encode(tok.get(), "ab"), (Ids{14}));
}

TEST_F(SentencePieceLike, EqualRanksMergeLeftmostFirst) {
  EXPECT_EQ(encode(tok.get(), "bbb"), (Ids{8, 18, 10}));
}

TEST_F(SentencePieceLike, NormalizerPrependsAndReplacesSpaces) {
  EXPECT_EQ(encode(tok.get(), "a b"), (Ids{12, 8, 10}));
  EXPECT_EQ(encode(tok.get(), " a"), (Ids{8, 12}));
  EXPECT_EQ(encode(tok.get(), ""), Ids{});
}

TEST_F(SentencePieceLike, ByteFallbackSpellsMissingCharactersAsBytes) {
  EXPECT_EQ(encode(tok.get(), "\xC3\xA9"), (Ids{8, 3, 4}));        // é
  EXPECT_EQ(encode(tok.get(), "\xE2\x82\xAC"), (Ids{8, 5, 6, 7})); // €
}

TEST_F(SentencePieceLike, CharactersWithoutBytesAreOneFusedUnknown) {
  EXPECT_EQ(encode(tok.get(), "\xD0\xB6\xD0\xB6"), (Ids{8, 0})); // жж
  EXPECT_EQ(encode(tok.get(), "\xD0\xB6"
                              "a\xD0\xB6"),
            (Ids{8, 0, 9, 0}));
}

TEST_F(SentencePieceLike, SpecialTokensSplitBeforeNormalization) {
  // Each side is normalised on its own, so "b" gets its own "▁".
  EXPECT_EQ(encode(tok.get(), "a<s>b"), (Ids{12, 1, 8, 10}));
  EXPECT_EQ(encode(tok.get(), "<s><s>"), (Ids{1, 1}));
}

TEST_F(SentencePieceLike, SpecialAsTextLeavesSpecialsToTheModel) {
  // '<', 's', '>' are unknown characters, fused into one <unk>.
  EXPECT_EQ(encode(tok.get(), "a<s>", ATTN_TOKENIZER_SPECIAL_AS_TEXT),
            (Ids{12, 0}));
}

TEST_F(SentencePieceLike, NormalizedAddedTokenMatchesNormalizedText) {
  EXPECT_EQ(encode(tok.get(), "acc"), (Ids{12, 19}));
}

TEST_F(SentencePieceLike, StripFlagsSwallowSurroundingSpaces) {
  EXPECT_EQ(encode(tok.get(), "a <sep> b"), (Ids{12, 20, 8, 10}));
}

TEST_F(SentencePieceLike, SingleWordTokenOnlyMatchesAlone) {
  EXPECT_EQ(encode(tok.get(), "dd"), (Ids{21}));
  EXPECT_EQ(encode(tok.get(), "a dd"), (Ids{12, 8, 21}));
  // Inside "add" it is no token: 'd' is unknown.
  EXPECT_EQ(encode(tok.get(), "add"), (Ids{12, 0}));
}

TEST_F(SentencePieceLike, TemplateAddsBos) {
  EXPECT_EQ(attn_tokenizer_bos_id(tok.get()), 1);
  EXPECT_EQ(attn_tokenizer_eos_id(tok.get()), -1);
  EXPECT_EQ(attn_tokenizer_adds_bos(tok.get()), 1);
  EXPECT_EQ(encode(tok.get(), "a", ATTN_TOKENIZER_ADD_SPECIAL), (Ids{1, 12}));
  EXPECT_EQ(encode(tok.get(), "", ATTN_TOKENIZER_ADD_SPECIAL), (Ids{1}));
  EXPECT_EQ(encode(tok.get(), "a",
                   ATTN_TOKENIZER_ADD_SPECIAL | ATTN_TOKENIZER_ADD_BOS),
            (Ids{1, 12}));
  EXPECT_EQ(encode(tok.get(), "a", ATTN_TOKENIZER_ADD_BOS), (Ids{1, 12}));
}

TEST(SmallTokenizerConfig, ConfigOverridesTemplate) {
  Json config = {{"bos_token", "<s>"},
                 {"eos_token", {{"content", "</s>"}}},
                 {"add_bos_token", false},
                 {"add_eos_token", true}};
  TokenizerPtr tok = loadJson(sentencePieceLike(), config);
  ASSERT_NE(tok, nullptr) << attn_tokenizer_last_error();
  EXPECT_EQ(attn_tokenizer_eos_id(tok.get()), 2);
  EXPECT_EQ(attn_tokenizer_adds_bos(tok.get()), 0);
  EXPECT_EQ(encode(tok.get(), "a", ATTN_TOKENIZER_ADD_SPECIAL), (Ids{12, 2}));
  EXPECT_EQ(encode(tok.get(), "a",
                   ATTN_TOKENIZER_ADD_SPECIAL | ATTN_TOKENIZER_ADD_BOS),
            (Ids{1, 12, 2}));
  EXPECT_TRUE(attn_tokenizer_is_end_of_generation(tok.get(), 2));
  EXPECT_FALSE(attn_tokenizer_is_end_of_generation(tok.get(), 1));
}

TEST_F(SentencePieceLike, DecodeRunsTheDecoderChain) {
  EXPECT_EQ(decode(tok.get(), {12, 15}), "abc"); // Strip drops the first ' '.
  EXPECT_EQ(decode(tok.get(), {12, 12}), "a a");
  EXPECT_EQ(decode(tok.get(), {8, 3, 4}), "\xC3\xA9");
  EXPECT_EQ(decode(tok.get(), {1, 12}), "<s> a");
  EXPECT_EQ(decode(tok.get(), {1, 12}, ATTN_TOKENIZER_SKIP_SPECIAL), "a");
}

TEST_F(SentencePieceLike, InvalidByteRunsBecomeOneReplacementPerByte) {
  EXPECT_EQ(decode(tok.get(), {5, 6}), "\uFFFD\uFFFD");
  // The run C3 A9 E2 is invalid as a whole, so even é is replaced.
  EXPECT_EQ(decode(tok.get(), {3, 4, 5}), "\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(decode(tok.get(), {5, 12}), "\uFFFD a");
}

TEST_F(SentencePieceLike, StreamHoldsBackSplitCharacters) {
  EXPECT_EQ(stream(tok.get(), {8, 5, 6, 7}),
            (std::vector<std::string>{"", "", "", "\xE2\x82\xAC", ""}));
  EXPECT_EQ(stream(tok.get(), {12, 12}),
            (std::vector<std::string>{"a", " a", ""}));
  EXPECT_EQ(stream(tok.get(), {1, 12}, ATTN_TOKENIZER_SKIP_SPECIAL),
            (std::vector<std::string>{"", "a", ""}));
  EXPECT_EQ(stream(tok.get(), {1, 12}),
            (std::vector<std::string>{"<s>", " a", ""}));
}

TEST_F(SentencePieceLike, StreamReplacesWhatCannotBecomeValid) {
  EXPECT_EQ(stream(tok.get(), {5, 12}),
            (std::vector<std::string>{"", "\uFFFD a", ""}));
  EXPECT_EQ(stream(tok.get(), {5, 6}),
            (std::vector<std::string>{"", "", "\uFFFD"}));
}

class ByteLevelLike : public ::testing::Test {
protected:
  TokenizerPtr tok = loadJson(byteLevelLike());
  void SetUp() override {
    ASSERT_NE(tok, nullptr) << attn_tokenizer_last_error();
  }
};

TEST_F(ByteLevelLike, MergesWorkOnBytes) {
  EXPECT_EQ(encode(tok.get(), "hello"), (Ids{259}));
  EXPECT_EQ(encode(tok.get(), " hello"), (Ids{' ', 259}));
  EXPECT_EQ(encode(tok.get(), "hey"), (Ids{256, 'y'}));
  EXPECT_EQ(encode(tok.get(), "\xE2\x82\xAC"), (Ids{0xE2, 0x82, 0xAC}));
}

TEST_F(ByteLevelLike, IgnoreMergesTakesWholeWordsFromTheVocabulary) {
  // No merge builds "Ġhey"; the word is in the vocabulary as it is.
  EXPECT_EQ(encode(tok.get(), " hey"), (Ids{261}));
}

TEST_F(ByteLevelLike, RegexWordsAreEncodedApart) {
  // "hello" and " world" are separate words: 'o' and ' ' never merge.
  EXPECT_EQ(encode(tok.get(), "hello world"),
            (Ids{259, ' ', 'w', 'o', 'r', 'l', 'd'}));
}

TEST_F(ByteLevelLike, SpecialTokensAndTheirText) {
  EXPECT_EQ(encode(tok.get(), "<|eot_id|>hello"), (Ids{262, 259}));
  Ids asText =
      encode(tok.get(), "<|eot_id|>hello", ATTN_TOKENIZER_SPECIAL_AS_TEXT);
  EXPECT_EQ(std::count(asText.begin(), asText.end(), 262), 0);
  EXPECT_EQ(decode(tok.get(), asText), "<|eot_id|>hello");
  // No template and no config: nothing is added, and BOS is unknown.
  EXPECT_EQ(encode(tok.get(), "hello", ATTN_TOKENIZER_ADD_SPECIAL), (Ids{259}));
  EXPECT_EQ(attn_tokenizer_bos_id(tok.get()), -1);
  EXPECT_TRUE(attn_tokenizer_is_end_of_generation(tok.get(), 262));
}

TEST_F(ByteLevelLike, DecodeReplacesMaximalInvalidSubparts) {
  EXPECT_EQ(decode(tok.get(), {0xE2, 0x82, 0xAC}), "\xE2\x82\xAC");
  // One U+FFFD for the truncated E2 82, unlike byte fallback's one per byte.
  EXPECT_EQ(decode(tok.get(), {0xE2, 0x82}), "\uFFFD");
  EXPECT_EQ(decode(tok.get(), {0xFF, 'a'}), "\uFFFD"
                                            "a");
}

TEST_F(ByteLevelLike, StreamSplitsAMultiByteCharacterAcrossTokens) {
  EXPECT_EQ(stream(tok.get(), {' ', 0xF0, 0x9F, 0x98, 0x80, 259}),
            (std::vector<std::string>{" ", "", "", "", "\xF0\x9F\x98\x80",
                                      "hello", ""}));
  EXPECT_EQ(stream(tok.get(), {0xF0, 0x9F}),
            (std::vector<std::string>{"", "", "\uFFFD"}));
}

TEST_F(ByteLevelLike, ChatMatchesTheRenderedTemplate) {
  attn_chat_message messages[] = {{"system", "  Be brief. \n"},
                                  {"user", "hey"}};
  size_t n = 0;
  ASSERT_EQ(
      attn_tokenizer_encode_chat(tok.get(), messages, 2, 0, nullptr, 0, &n),
      ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL);
  // No BOS token is known here, so ask only for the assistant header.
  Ids ids(n);
  ASSERT_EQ(attn_tokenizer_encode_chat(tok.get(), messages, 2,
                                       ATTN_TOKENIZER_CHAT_ASSISTANT_HEADER,
                                       ids.data(), ids.size(), &n),
            ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL)
      << "the header makes the ids longer";
  ids.resize(n);
  ASSERT_EQ(attn_tokenizer_encode_chat(tok.get(), messages, 2,
                                       ATTN_TOKENIZER_CHAT_ASSISTANT_HEADER,
                                       ids.data(), ids.size(), &n),
            ATTN_TOKENIZER_OK)
      << attn_tokenizer_last_error();
  EXPECT_EQ(ids, encode(tok.get(),
                        "<|start_header_id|>system<|end_header_id|>\n\nBe "
                        "brief.<|eot_id|><|start_header_id|>user<|end_header_"
                        "id|>\n\nhey<|eot_id|><|start_header_id|>assistant<|"
                        "end_header_id|>\n\n"));
  Ids firstTurn(ids.begin(), ids.begin() + 9);
  EXPECT_EQ(firstTurn, (Ids{263, 's', 'y', 's', 't', 'e', 'm', 264, '\n'}));

  // With BOS requested but none known, the call fails and says why.
  EXPECT_EQ(attn_tokenizer_encode_chat(tok.get(), messages, 2,
                                       ATTN_TOKENIZER_CHAT_BEGIN, nullptr, 0,
                                       &n),
            ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_NE(std::string(attn_tokenizer_last_error()).find("no BOS"),
            std::string::npos);
}

TEST_F(ByteLevelLike, ChatKeepsSpecialTextInContentPlain) {
  attn_chat_message messages[] = {{"user", "<|eot_id|>"}};
  Ids ids(64);
  size_t n = 0;
  ASSERT_EQ(attn_tokenizer_encode_chat(tok.get(), messages, 1, 0, ids.data(),
                                       ids.size(), &n),
            ATTN_TOKENIZER_OK);
  ids.resize(n);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 262), 1) << "only the turn end";
}

TEST(SmallTokenizerChat, NeedsLlama3HeaderTokens) {
  TokenizerPtr tok = loadJson(sentencePieceLike());
  ASSERT_NE(tok, nullptr);
  attn_chat_message messages[] = {{"user", "a"}};
  size_t n = 0;
  EXPECT_EQ(
      attn_tokenizer_encode_chat(tok.get(), messages, 1, 0, nullptr, 0, &n),
      ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_NE(std::string(attn_tokenizer_last_error())
                .find("has no <|start_header_id|> token"),
            std::string::npos)
      << attn_tokenizer_last_error();
}

} // namespace
