//===- LogitsTest.cpp - Compiled models against the reference -------------===//
//
// Every variant of TinyModels.cpp, compiled by attnc and run through the C
// API, gives the reference's logits within 1e-4 of each row's largest
// magnitude, and splitting the tokens into prefills and decodes changes
// nothing.
//
//===----------------------------------------------------------------------===//

#include "CompiledModel.h"

#include <gtest/gtest.h>

using namespace attn_e2e;

namespace {

/// 12 tokens: longer than the sliding window (4), short enough to be fast.
constexpr int64_t kTokens = 12;
constexpr int64_t kCapacity = 16;

class LogitsTest : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    compiled = compiledModel(GetParam());
    ASSERT_NE(compiled, nullptr);
    ASSERT_TRUE(openModel(*compiled, open));
    vocab = compiled->tinyModel().config.vocabSize;
    ASSERT_EQ(attn_model_vocab_size(open.model), vocab);
    ASSERT_EQ(attn_session_create(open.model, kCapacity, &session), ATTN_OK)
        << attn_error_message();
    tokens = randomTokens(kTokens, vocab, 7);
  }
  void TearDown() override { attn_session_destroy(session); }

  /// The reference's logits of `tokens` from position 0, [n, vocab].
  std::vector<double> referenceLogits() {
    attn::reference::ReferenceModel reference = compiled->reference();
    std::string error;
    std::optional<attn::reference::ReferenceTensor> logits = reference.forward(
        std::vector<int64_t>(tokens.begin(), tokens.end()), 0, error);
    EXPECT_TRUE(logits) << error;
    return logits ? logits->data : std::vector<double>();
  }

  /// Prefills `count` tokens from `first` and returns all their logits.
  std::vector<float> prefill(int64_t first, int64_t count) {
    std::vector<float> logits(count * vocab);
    EXPECT_EQ(attn_session_prefill(session, tokens.data() + first, count,
                                   ATTN_PREFILL_ALL_LOGITS, logits.data()),
              ATTN_OK)
        << attn_error_message();
    return logits;
  }

  const CompiledModel *compiled = nullptr;
  OpenModel open;
  attn_session *session = nullptr;
  int64_t vocab = 0;
  std::vector<int32_t> tokens;
};

std::vector<double> widen(const std::vector<float> &values) {
  return std::vector<double>(values.begin(), values.end());
}

} // namespace

TEST_P(LogitsTest, PrefillMatchesReference) {
  std::vector<double> expected = referenceLogits();
  std::vector<float> actual = prefill(0, kTokens);
  EXPECT_TRUE(rowsClose(actual, expected, vocab));
  EXPECT_EQ(attn_session_position(session), kTokens);
}

TEST_P(LogitsTest, LastTokenLogitsByDefault) {
  std::vector<double> expected = referenceLogits();
  std::vector<float> last(vocab);
  ASSERT_EQ(
      attn_session_prefill(session, tokens.data(), kTokens, 0, last.data()),
      ATTN_OK)
      << attn_error_message();
  EXPECT_TRUE(rowsClose(
      last, std::vector<double>(expected.end() - vocab, expected.end()),
      vocab));
}

TEST_P(LogitsTest, PrefillThenDecodesEqualsOnePrefill) {
  std::vector<float> once = prefill(0, kTokens);
  ASSERT_EQ(attn_session_reset(session), ATTN_OK);
  std::vector<float> split = prefill(0, 5);
  for (int64_t i = 5; i < kTokens; ++i) {
    std::vector<float> row(vocab);
    ASSERT_EQ(attn_session_decode(session, tokens[i], row.data()), ATTN_OK)
        << attn_error_message();
    split.insert(split.end(), row.begin(), row.end());
  }
  EXPECT_TRUE(rowsClose(split, widen(once), vocab));
  EXPECT_TRUE(rowsClose(split, referenceLogits(), vocab));
}

TEST_P(LogitsTest, ChunkedPrefillEqualsOnePrefill) {
  std::vector<float> once = prefill(0, kTokens);
  ASSERT_EQ(attn_session_reset(session), ATTN_OK);
  std::vector<float> chunked;
  for (auto [first, count] :
       {std::pair<int64_t, int64_t>{0, 3}, {3, 4}, {7, 1}, {8, 4}}) {
    std::vector<float> part = prefill(first, count);
    chunked.insert(chunked.end(), part.begin(), part.end());
  }
  EXPECT_TRUE(rowsClose(chunked, widen(once), vocab));
  EXPECT_TRUE(rowsClose(chunked, referenceLogits(), vocab));
}

static std::vector<std::string> variantNames() {
  std::vector<std::string> names;
  for (const TinyModel &m : tinyModels())
    names.push_back(m.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Variants, LogitsTest,
                         ::testing::ValuesIn(variantNames()),
                         [](const ::testing::TestParamInfo<std::string> &info) {
                           return info.param;
                         });

// The bf16-resident variant matches the reference above only meaningfully
// if its panels are bf16: the manifest says so, and the default's does not.
TEST(BF16ResidentWeights, PanelsAreBF16OnlyWhenAskedFor) {
  for (auto [name, expectBF16] :
       {std::pair{"panel_weights_bf16_resident", true},
        std::pair{"panel_weights", false}}) {
    const CompiledModel *compiled = compiledModel(name);
    ASSERT_TRUE(compiled);
    OpenModel open;
    ASSERT_TRUE(openModel(*compiled, open));
    std::string manifest = attn_model_manifest(open.model);
    EXPECT_EQ(manifest.find("\"dtype\": \"bf16\"") != std::string::npos,
              expectBF16)
        << name << ": " << manifest;
  }
}
