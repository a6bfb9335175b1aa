//===- DynamicRopeTest.cpp - Dynamic NTK scaling past the context ---------===//
//
// Dynamic NTK rope scaling only acts once a call reaches past
// max_position_embeddings (64 in the tiny models), which needs a KV cache
// larger than it. Both the compiled code and the reference compute the
// frequencies once per call from seq_len = start + n, and keys cached by an
// earlier call keep their rotation; these tests check that they agree there,
// for one prefill past the context and for prefills and decodes that cross
// it.
//
//===----------------------------------------------------------------------===//

#include "CompiledModel.h"

#include <gtest/gtest.h>

using namespace attn_e2e;
namespace ref = attn::reference;

namespace {

constexpr int64_t kContext = 64;
constexpr int64_t kCapacity = 96;
constexpr int64_t kTokens = 90;

class DynamicRopeBeyondContext : public ::testing::Test {
protected:
  void SetUp() override {
    compiled = compiledModel("rope_dynamic");
    ASSERT_NE(compiled, nullptr);
    ASSERT_EQ(compiled->tinyModel().config.maxPositionEmbeddings, kContext);
    ASSERT_TRUE(openModel(*compiled, open));
    vocab = compiled->tinyModel().config.vocabSize;
    ASSERT_EQ(attn_session_create(open.model, kCapacity, &session), ATTN_OK)
        << attn_error_message();
    tokens = randomTokens(kTokens, vocab, 11);
  }
  void TearDown() override { attn_session_destroy(session); }

  /// Runs tokens [first, first + count) through the compiled model and
  /// returns all their logits.
  std::vector<float> prefill(int64_t first, int64_t count) {
    std::vector<float> logits(count * vocab);
    EXPECT_EQ(attn_session_prefill(session, tokens.data() + first, count,
                                   ATTN_PREFILL_ALL_LOGITS, logits.data()),
              ATTN_OK)
        << attn_error_message();
    return logits;
  }

  /// The same call on `reference`, whose cache holds tokens [0, first).
  std::vector<double> forward(ref::ReferenceModel &reference, int64_t first,
                              int64_t count) {
    std::string error;
    std::optional<ref::ReferenceTensor> logits =
        reference.forward(std::vector<int64_t>(tokens.begin() + first,
                                               tokens.begin() + first + count),
                          first, error);
    EXPECT_TRUE(logits) << error;
    return logits ? logits->data : std::vector<double>();
  }

  /// The logits of the last token of a call.
  template <typename T> std::vector<T> lastRow(const std::vector<T> &logits) {
    return std::vector<T>(logits.end() - vocab, logits.end());
  }

  const CompiledModel *compiled = nullptr;
  OpenModel open;
  attn_session *session = nullptr;
  int64_t vocab = 0;
  std::vector<int32_t> tokens;
};

} // namespace

TEST_F(DynamicRopeBeyondContext, PrefillPastTheContextThenDecode) {
  ref::ReferenceModel reference = compiled->reference();
  constexpr int64_t kPrefill = 80;
  EXPECT_TRUE(
      rowsClose(prefill(0, kPrefill), forward(reference, 0, kPrefill), vocab));
  // Each decode scales the frequencies for its own seq_len, position + 1.
  for (int64_t i = kPrefill; i < kTokens; ++i) {
    std::vector<float> row(vocab);
    ASSERT_EQ(attn_session_decode(session, tokens[i], row.data()), ATTN_OK)
        << attn_error_message();
    EXPECT_TRUE(rowsClose(row, forward(reference, i, 1), vocab))
        << "decode at position " << i;
  }
  EXPECT_EQ(attn_session_position(session), kTokens);
}

TEST_F(DynamicRopeBeyondContext, CallsThatCrossTheContext) {
  ref::ReferenceModel reference = compiled->reference();
  // Inside the context, across it (seq_len 72), then past it.
  for (auto [first, count] :
       {std::pair<int64_t, int64_t>{0, 60}, {60, 12}, {72, 1}, {73, 17}})
    EXPECT_TRUE(rowsClose(prefill(first, count),
                          forward(reference, first, count), vocab))
        << "tokens [" << first << ", " << first + count << ")";
}

TEST_F(DynamicRopeBeyondContext, TheScalingActs) {
  // The checks above test the scaling only if it moves the logits: past the
  // context, one prefill differs from the same tokens split in two calls
  // (the first call's keys keep their unscaled rotation), and from no
  // scaling at all.
  constexpr int64_t kPrefill = 80;
  std::vector<float> once = lastRow(prefill(0, kPrefill));
  ASSERT_EQ(attn_session_reset(session), ATTN_OK);
  prefill(0, kContext);
  std::vector<float> split = lastRow(prefill(kContext, kPrefill - kContext));
  EXPECT_FALSE(rowsClose(split, std::vector<double>(once.begin(), once.end()),
                         vocab, 1e-2));

  ref::ReferenceConfig unscaled = compiled->tinyModel().config;
  unscaled.ropeScaling = ref::RopeScalingKind::None;
  std::string error;
  std::optional<ref::ReferenceModel> plain =
      ref::ReferenceModel::create(unscaled, compiled->weights(), error);
  ASSERT_TRUE(plain) << error;
  EXPECT_FALSE(
      rowsClose(once, lastRow(forward(*plain, 0, kPrefill)), vocab, 1e-2));
}
