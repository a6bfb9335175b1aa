//===- RealTokenizerTest.cpp - Llama 2 and 3 against the reference --------===//
//
// Inputs/reference-*.json hold the ids and text that Hugging Face's tokenizers
// library (the Rust crate, through its Node bindings) gives for the real
// tokenizers in $ATTN_SHARED_DIR/tokenizers; Inputs/make-reference.js wrote
// them. Tests skip, saying so, where the shared folder is absent.
//
//===----------------------------------------------------------------------===//

#include "TestTokenizers.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace attn::test;
using Ids = std::vector<int32_t>;

namespace {

std::string readText(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Json readReference(const std::string &name) {
  std::string path =
      std::string(ATTN_TOKENIZER_TEST_INPUTS) + "/reference-" + name + ".json";
  Json json = Json::parse(readText(path), nullptr, false);
  return json.is_discarded() ? Json() : json;
}

class RealTokenizer : public ::testing::TestWithParam<std::string> {
protected:
  TokenizerPtr tok;
  Json reference;

  void SetUp() override {
    std::string dir = sharedDir() + "/tokenizers/" + GetParam();
    if (!std::ifstream(dir + "/tokenizer.json"))
      GTEST_SKIP() << "no " << dir
                   << "/tokenizer.json; set ATTN_SHARED_DIR to the folder "
                      "holding tokenizers/";
    attn_tokenizer *raw = nullptr;
    ASSERT_EQ(attn_tokenizer_load(dir.c_str(), &raw), ATTN_TOKENIZER_OK)
        << attn_tokenizer_last_error();
    tok.reset(raw);
    reference = readReference(GetParam());
    ASSERT_TRUE(reference.is_object()) << "cannot read the reference ids";
  }
};

TEST_P(RealTokenizer, EncodesAsTheReference) {
  size_t checked = 0;
  for (const Json &c : reference["encode"]) {
    std::string text = c["text"].get<std::string>();
    EXPECT_EQ(encode(tok.get(), text), c["ids"].get<Ids>()) << "text: " << text;
    EXPECT_EQ(encode(tok.get(), text, ATTN_TOKENIZER_ADD_SPECIAL),
              c["with_special"].get<Ids>())
        << "text: " << text;
    ++checked;
  }
  EXPECT_GE(checked, 30u);
}

TEST_P(RealTokenizer, DecodesAsTheReference) {
  for (const Json &c : reference["encode"])
    EXPECT_EQ(decode(tok.get(), c["ids"].get<Ids>()),
              c["decoded"].get<std::string>())
        << "text: " << c["text"].get<std::string>();
  // Including byte sequences that are not valid UTF-8.
  for (const Json &c : reference["decode"]) {
    Ids ids = c["ids"].get<Ids>();
    EXPECT_EQ(decode(tok.get(), ids), c["text"].get<std::string>())
        << c["ids"].dump();
    EXPECT_EQ(decode(tok.get(), ids, ATTN_TOKENIZER_SKIP_SPECIAL),
              c["skip_special"].get<std::string>())
        << c["ids"].dump();
  }
}

TEST_P(RealTokenizer, RoundTripsMultilingualText) {
  std::string text =
      readText(std::string(ATTN_TOKENIZER_TEST_INPUTS) + "/multilingual.txt");
  ASSERT_GT(text.size(), 500u);
  Ids ids = encode(tok.get(), text, ATTN_TOKENIZER_ADD_SPECIAL);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(decode(tok.get(), ids, ATTN_TOKENIZER_SKIP_SPECIAL), text);
}

TEST_P(RealTokenizer, StreamEqualsDecodeAndStaysValid) {
  for (const Json &c : reference["encode"]) {
    Ids ids = c["ids"].get<Ids>();
    std::string joined;
    for (const std::string &piece : stream(tok.get(), ids)) {
      joined += piece;
    }
    EXPECT_EQ(joined, decode(tok.get(), ids))
        << "text: " << c["text"].get<std::string>();
  }
}

INSTANTIATE_TEST_SUITE_P(Llama, RealTokenizer,
                         ::testing::Values("llama-2", "llama-3"),
                         [](const auto &info) {
                           return info.param == "llama-2" ? "Llama2" : "Llama3";
                         });

/// Loads one real tokenizer, or skips.
TokenizerPtr loadShared(const std::string &name) {
  std::string dir = sharedDir() + "/tokenizers/" + name;
  attn_tokenizer *raw = nullptr;
  if (!std::ifstream(dir + "/tokenizer.json") ||
      attn_tokenizer_load(dir.c_str(), &raw) != ATTN_TOKENIZER_OK)
    return nullptr;
  return TokenizerPtr(raw);
}

TEST(Llama2Tokenizer, KnownIds) {
  TokenizerPtr tok = loadShared("llama-2");
  if (!tok)
    GTEST_SKIP() << "no llama-2 tokenizer under " << sharedDir();
  EXPECT_EQ(encode(tok.get(), "who", ATTN_TOKENIZER_ADD_SPECIAL),
            (Ids{1, 1058}));
  EXPECT_EQ(encode(tok.get(), "How to predict", ATTN_TOKENIZER_ADD_SPECIAL),
            (Ids{1, 1128, 304, 8500}));
  EXPECT_EQ(attn_tokenizer_vocab_size(tok.get()), 32000);
  EXPECT_EQ(attn_tokenizer_bos_id(tok.get()), 1);
  EXPECT_EQ(attn_tokenizer_eos_id(tok.get()), 2);
  EXPECT_EQ(attn_tokenizer_adds_bos(tok.get()), 1);
  EXPECT_TRUE(attn_tokenizer_is_end_of_generation(tok.get(), 2));
  EXPECT_EQ(decode(tok.get(), {1, 1058}, ATTN_TOKENIZER_SKIP_SPECIAL), "who");
}

TEST(Llama2Tokenizer, StreamsAByteFallbackCharacter) {
  TokenizerPtr tok = loadShared("llama-2");
  if (!tok)
    GTEST_SKIP() << "no llama-2 tokenizer under " << sharedDir();
  // "🤖" is no piece of Llama 2's vocabulary: four byte tokens after "▁".
  Ids ids = encode(tok.get(), "\xF0\x9F\xA4\x96");
  int32_t f0 = attn_tokenizer_token_id(tok.get(), "<0xF0>");
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(ids[1], f0);
  EXPECT_EQ(stream(tok.get(), ids),
            (std::vector<std::string>{"", "", "", "", "\xF0\x9F\xA4\x96", ""}));
}

TEST(Llama3Tokenizer, KnownIdsAndChat) {
  TokenizerPtr tok = loadShared("llama-3");
  if (!tok)
    GTEST_SKIP() << "no llama-3 tokenizer under " << sharedDir();
  EXPECT_EQ(encode(tok.get(), "Hello"), (Ids{9906}));
  EXPECT_EQ(encode(tok.get(), " world"), (Ids{1917}));
  EXPECT_EQ(attn_tokenizer_vocab_size(tok.get()), 128256);
  EXPECT_EQ(attn_tokenizer_bos_id(tok.get()), 128000);
  EXPECT_EQ(attn_tokenizer_eos_id(tok.get()), 128001);
  // This tokenizer.json's post-processor adds nothing; models still want BOS.
  EXPECT_EQ(attn_tokenizer_adds_bos(tok.get()), 0);
  EXPECT_EQ(encode(tok.get(), "Hello", ATTN_TOKENIZER_ADD_BOS),
            (Ids{128000, 9906}));
  int32_t eot = attn_tokenizer_token_id(tok.get(), "<|eot_id|>");
  EXPECT_EQ(eot, 128009);
  EXPECT_TRUE(attn_tokenizer_is_end_of_generation(tok.get(), eot));
  EXPECT_TRUE(attn_tokenizer_is_end_of_generation(tok.get(), 128001));
  EXPECT_FALSE(attn_tokenizer_is_end_of_generation(tok.get(), 9906));

  // The reference ids of the rendered template for this conversation are in
  // reference-llama-3.json.
  attn_chat_message messages[] = {{"user", "What is 2+2?"}};
  Ids ids(64);
  size_t n = 0;
  ASSERT_EQ(attn_tokenizer_encode_chat(tok.get(), messages, 1,
                                       ATTN_TOKENIZER_CHAT_ASSISTANT_HEADER,
                                       ids.data(), ids.size(), &n),
            ATTN_TOKENIZER_OK);
  ids.resize(n);
  Json reference = readReference("llama-3");
  Ids expected;
  for (const Json &c : reference["encode"])
    if (c["text"].get<std::string>().rfind("<|start_header_id|>user", 0) == 0)
      expected = c["ids"].get<Ids>();
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(ids, expected);
}

} // namespace
