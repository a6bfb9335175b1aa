//===- SplitKVDecodeTest.cpp - Decode over a context long enough to split -===//
//
// The compiled decode splits the keys of its single query into chunks
// across threads (flash-decoding) once the context holds at least two
// chunks of 512 keys; shorter contexts, which every other end-to-end test
// uses, run one piece per head. These tests prefill past that length and
// compare each decode step with the double-precision reference, for each
// rope scaling (the queries are rotated inside the attention kernel and the
// keys on their way into the cache), with grouped-query heads.
//
//===----------------------------------------------------------------------===//

#include "CompiledModel.h"

#include <gtest/gtest.h>

using namespace attn_e2e;
namespace ref = attn::reference;

namespace {

/// Two chunks of 512 keys, and a tail that is not a whole key block.
constexpr int64_t kPrefill = 1100;
constexpr int64_t kDecodes = 4;
constexpr int64_t kCapacity = kPrefill + kDecodes;

class SplitKVDecode : public ::testing::TestWithParam<const char *> {};

} // namespace

TEST_P(SplitKVDecode, DecodeAfterALongPrefill) {
  const CompiledModel *compiled = compiledModel(GetParam());
  ASSERT_NE(compiled, nullptr);
  OpenModel open;
  ASSERT_TRUE(openModel(*compiled, open));
  int64_t vocab = compiled->tinyModel().config.vocabSize;
  attn_session *session = nullptr;
  ASSERT_EQ(attn_session_create(open.model, kCapacity, &session), ATTN_OK)
      << attn_error_message();
  std::vector<int32_t> tokens = randomTokens(kCapacity, vocab, 23);
  ref::ReferenceModel reference = compiled->reference();
  std::string error;

  std::vector<float> last(vocab);
  ASSERT_EQ(
      attn_session_prefill(session, tokens.data(), kPrefill, 0, last.data()),
      ATTN_OK)
      << attn_error_message();
  std::optional<ref::ReferenceTensor> expected = reference.forward(
      std::vector<int64_t>(tokens.begin(), tokens.begin() + kPrefill), 0,
      error);
  ASSERT_TRUE(expected) << error;
  EXPECT_TRUE(rowsClose(
      last,
      std::vector<double>(expected->data.end() - vocab, expected->data.end()),
      vocab));

  for (int64_t i = kPrefill; i < kCapacity; ++i) {
    std::vector<float> row(vocab);
    ASSERT_EQ(attn_session_decode(session, tokens[i], row.data()), ATTN_OK)
        << attn_error_message();
    std::optional<ref::ReferenceTensor> step =
        reference.forward({static_cast<int64_t>(tokens[i])}, i, error);
    ASSERT_TRUE(step) << error;
    EXPECT_TRUE(rowsClose(row, step->data, vocab))
        << GetParam() << ": decode at position " << i;
  }
  attn_session_destroy(session);
}

INSTANTIATE_TEST_SUITE_P(RopeKinds, SplitKVDecode,
                         ::testing::Values("gqa", "mqa", "rope_linear",
                                           "rope_dynamic", "rope_llama3"));
