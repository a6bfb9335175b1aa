//===- SessionTest.cpp - Prefill, decode, errors and threads --------------===//
//
// Runs the TinyModel.c fixture through sessions and compares with its C++
// reference: the weight table order, the cache positions written and read,
// chunked prefill, every input error (and that the session is usable after
// it, and that compiled code never saw the bad input), and threads.
//
//===----------------------------------------------------------------------===//

#include "FixtureModel.h"
#include "TestFiles.h"

#include "attn/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <dlfcn.h>
#include <thread>

using namespace attn::rt;
using namespace attn::rt::test;

namespace {

constexpr int64_t V = kFixtureVocab;

void expectLogitsNear(const float *actual, const std::vector<float> &expected,
                      const std::string &where) {
  for (int64_t t = 0; t < V; ++t)
    EXPECT_NEAR(actual[t], expected[t], 1e-5 * (1 + std::fabs(expected[t])))
        << where << ", logit " << t;
}

/// A loaded fixture model with a scratch weight file, plus access to the
/// fixture's counters (the same dlopen handle the runtime uses).
class SessionTest : public ::testing::Test {
protected:
  void SetUp() override {
    writeFixtureWeights(dir.file("model.safetensors"), DType::F32);
    ASSERT_EQ(attn_model_open(fixturePath("tiny_model").c_str(), &model),
              ATTN_OK)
        << attn_error_message();
    ASSERT_EQ(attn_model_load_weights(model, dir.path().c_str()), ATTN_OK)
        << attn_error_message();
    handle = dlopen(fixturePath("tiny_model").c_str(), RTLD_NOW);
    ASSERT_TRUE(handle);
    violations =
        static_cast<int64_t *>(dlsym(handle, "fixture_contract_violations"));
    prefillCalls =
        static_cast<int64_t *>(dlsym(handle, "fixture_prefill_calls"));
    failNext =
        static_cast<int32_t *>(dlsym(handle, "fixture_fail_next_prefill"));
    ASSERT_TRUE(violations && prefillCalls && failNext);
  }
  void TearDown() override {
    if (violations)
      EXPECT_EQ(*violations, 0) << "compiled code saw an unchecked input";
    attn_model_close(model);
    if (handle)
      dlclose(handle);
  }

  /// Logits of every token of `tokens` run one at a time by the reference.
  static std::vector<std::vector<float>>
  reference(const std::vector<int32_t> &tokens) {
    FixtureReference ref(DType::F32);
    std::vector<std::vector<float>> result;
    for (int32_t token : tokens)
      result.push_back(ref.step(token));
    return result;
  }

  ScratchDir dir;
  attn_model *model = nullptr;
  void *handle = nullptr;
  int64_t *violations = nullptr, *prefillCalls = nullptr;
  int32_t *failNext = nullptr;
};

const std::vector<int32_t> kTokens = {1, 7, 3, 10, 0, 5, 5, 2};

} // namespace

TEST_F(SessionTest, PrefillMatchesTheReference) {
  attn_session *session;
  ASSERT_EQ(attn_session_create(model, 16, &session), ATTN_OK);
  EXPECT_EQ(attn_session_capacity(session), 16);
  std::vector<float> all(kTokens.size() * V);
  ASSERT_EQ(attn_session_prefill(session, kTokens.data(), kTokens.size(),
                                 ATTN_PREFILL_ALL_LOGITS, all.data()),
            ATTN_OK)
      << attn_error_message();
  EXPECT_EQ(attn_session_position(session), int64_t(kTokens.size()));
  std::vector<std::vector<float>> expected = reference(kTokens);
  for (size_t i = 0; i < kTokens.size(); ++i)
    expectLogitsNear(&all[i * V], expected[i], "token " + std::to_string(i));

  // Without the flag only the last token's logits are written.
  ASSERT_EQ(attn_session_reset(session), ATTN_OK);
  std::vector<float> last(V + 1, -7.0f);
  ASSERT_EQ(attn_session_prefill(session, kTokens.data(), kTokens.size(), 0,
                                 last.data()),
            ATTN_OK);
  expectLogitsNear(last.data(), expected.back(), "last token");
  EXPECT_EQ(last[V], -7.0f) << "wrote past vocab_size floats";
  attn_session_destroy(session);
}

TEST_F(SessionTest, ChunksAndDecodesEqualOnePrefill) {
  std::vector<std::vector<float>> expected = reference(kTokens);
  attn_session *session;
  ASSERT_EQ(attn_session_create(model, 16, &session), ATTN_OK);
  std::vector<float> logits(3 * V);
  ASSERT_EQ(attn_session_prefill(session, kTokens.data(), 3,
                                 ATTN_PREFILL_ALL_LOGITS, logits.data()),
            ATTN_OK);
  ASSERT_EQ(attn_session_prefill(session, kTokens.data() + 3, 2,
                                 ATTN_PREFILL_ALL_LOGITS, logits.data()),
            ATTN_OK);
  expectLogitsNear(&logits[0], expected[3], "chunk 2, token 0");
  expectLogitsNear(&logits[V], expected[4], "chunk 2, token 1");
  // Prefill without logits still advances the cache.
  ASSERT_EQ(attn_session_prefill(session, kTokens.data() + 5, 1, 0, nullptr),
            ATTN_OK);
  for (size_t i = 6; i < kTokens.size(); ++i) {
    ASSERT_EQ(attn_session_decode(session, kTokens[i], logits.data()), ATTN_OK);
    expectLogitsNear(logits.data(), expected[i], "decode " + std::to_string(i));
  }
  EXPECT_EQ(attn_session_position(session), int64_t(kTokens.size()));
  attn_session_destroy(session);
}

TEST_F(SessionTest, ConvertedWeightsMatch) {
  for (DType disk : {DType::F16, DType::BF16}) {
    ScratchDir other;
    writeFixtureWeights(other.file("w.safetensors"), disk);
    attn_model *converted;
    ASSERT_EQ(attn_model_open(fixturePath("tiny_model").c_str(), &converted),
              ATTN_OK);
    ASSERT_EQ(attn_model_load_weights(converted, other.path().c_str()), ATTN_OK)
        << attn_error_message();
    attn_session *session;
    ASSERT_EQ(attn_session_create(converted, 0, &session), ATTN_OK);
    EXPECT_EQ(attn_session_capacity(session), 64) << "max_position_embeddings";
    FixtureReference ref(disk);
    float logits[V];
    for (int32_t token : kTokens) {
      ASSERT_EQ(attn_session_decode(session, token, logits), ATTN_OK);
      expectLogitsNear(logits, ref.step(token), dtypeName(disk));
    }
    attn_session_destroy(session);
    attn_model_close(converted);
  }
}

TEST_F(SessionTest, InputErrorsLeaveTheSessionUsable) {
  std::vector<std::vector<float>> expected = reference(kTokens);
  attn_session *session;
  ASSERT_EQ(attn_session_create(model, 4, &session), ATTN_OK);
  float logits[4 * V];
  ASSERT_EQ(attn_session_prefill(session, kTokens.data(), 2, 0, logits),
            ATTN_OK);
  int64_t callsBefore = *prefillCalls;

  int32_t tooBig[] = {1, 11};
  EXPECT_EQ(attn_session_prefill(session, tooBig, 2, 0, logits),
            ATTN_ERROR_TOKEN_OUT_OF_RANGE);
  EXPECT_STREQ(attn_error_message(),
               "token id 11 at index 1 is outside [0, 11)");
  EXPECT_EQ(attn_session_decode(session, -1, logits),
            ATTN_ERROR_TOKEN_OUT_OF_RANGE);
  EXPECT_STREQ(attn_error_message(),
               "token id -1 at index 0 is outside [0, 11)");

  EXPECT_EQ(attn_session_prefill(session, kTokens.data(), 3, 0, logits),
            ATTN_ERROR_CACHE_FULL);
  EXPECT_NE(std::string(attn_error_message())
                .find("3 tokens at position 2 do not fit in the KV cache of "
                      "capacity 4"),
            std::string::npos)
      << attn_error_message();

  EXPECT_EQ(attn_session_prefill(session, nullptr, 1, 0, logits),
            ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(attn_error_message(), "tokens is NULL");
  EXPECT_EQ(attn_session_prefill(session, kTokens.data(), 0, 0, logits),
            ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(attn_session_prefill(session, kTokens.data(), -5, 0, logits),
            ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(attn_session_prefill(session, kTokens.data(), 1, 4, logits),
            ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(attn_session_prefill(nullptr, kTokens.data(), 1, 0, logits),
            ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(attn_session_decode(nullptr, 1, logits),
            ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(attn_session_reset(nullptr), ATTN_ERROR_INVALID_ARGUMENT);

  EXPECT_EQ(*prefillCalls, callsBefore) << "rejected before compiled code";
  EXPECT_EQ(attn_session_position(session), 2);
  // The session continues exactly where it was.
  ASSERT_EQ(attn_session_prefill(session, kTokens.data() + 2, 2,
                                 ATTN_PREFILL_ALL_LOGITS, logits),
            ATTN_OK);
  expectLogitsNear(&logits[V], expected[3], "after errors");
  // Full now: one more token is refused, and reset makes room.
  EXPECT_EQ(attn_session_decode(session, 1, logits), ATTN_ERROR_CACHE_FULL);
  ASSERT_EQ(attn_session_reset(session), ATTN_OK);
  EXPECT_EQ(attn_session_position(session), 0);
  ASSERT_EQ(attn_session_decode(session, kTokens[0], logits), ATTN_OK);
  expectLogitsNear(logits, expected[0], "after reset");
  attn_session_destroy(session);
}

TEST_F(SessionTest, KernelFailureLeavesTheSessionUsable) {
  std::vector<std::vector<float>> expected = reference(kTokens);
  attn_session *session;
  ASSERT_EQ(attn_session_create(model, 8, &session), ATTN_OK);
  float logits[V];
  ASSERT_EQ(attn_session_prefill(session, kTokens.data(), 2, 0, logits),
            ATTN_OK);
  *failNext = 42; // The fixture scribbles on positions 2, 3 and fails.
  EXPECT_EQ(attn_session_prefill(session, kTokens.data() + 2, 2, 0, logits),
            ATTN_ERROR_KERNEL);
  EXPECT_NE(std::string(attn_error_message()).find("returned 42"),
            std::string::npos);
  EXPECT_EQ(attn_session_position(session), 2);
  // The scribbled positions are rewritten by the retry.
  ASSERT_EQ(attn_session_prefill(session, kTokens.data() + 2, 2, 0, logits),
            ATTN_OK);
  expectLogitsNear(logits, expected[3], "after a kernel failure");
  attn_session_destroy(session);
}

TEST_F(SessionTest, CreateErrors) {
  attn_session *session;
  EXPECT_EQ(attn_session_create(model, -1, &session),
            ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(session, nullptr);
  EXPECT_EQ(attn_session_create(nullptr, 4, &session),
            ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(attn_session_create(model, 4, nullptr),
            ATTN_ERROR_INVALID_ARGUMENT);
  attn_session_destroy(nullptr);
}

TEST_F(SessionTest, CapacityBeyondMaxPositionEmbeddings) {
  // max_position_embeddings is 64: a longer cache is the caller's choice, and
  // every position in it is computed as the ones before it.
  attn_session *session;
  ASSERT_EQ(attn_session_create(model, 80, &session), ATTN_OK)
      << attn_error_message();
  EXPECT_EQ(attn_session_capacity(session), 80);
  std::vector<int32_t> tokens;
  for (int64_t i = 0; i < 79; ++i)
    tokens.push_back(kTokens[i % kTokens.size()]);
  std::vector<std::vector<float>> expected = reference(tokens);
  std::vector<float> all(70 * V);
  ASSERT_EQ(attn_session_prefill(session, tokens.data(), 70,
                                 ATTN_PREFILL_ALL_LOGITS, all.data()),
            ATTN_OK)
      << attn_error_message();
  for (int64_t i : {0, 63, 64, 69})
    expectLogitsNear(&all[i * V], expected[i], "token " + std::to_string(i));
  float logits[V];
  for (int64_t i = 70; i < 79; ++i) {
    ASSERT_EQ(attn_session_decode(session, tokens[i], logits), ATTN_OK)
        << attn_error_message();
    expectLogitsNear(logits, expected[i], "decode " + std::to_string(i));
  }
  EXPECT_EQ(attn_session_position(session), 79);
  // The capacity still bounds the session.
  EXPECT_EQ(attn_session_prefill(session, tokens.data(), 2, 0, nullptr),
            ATTN_ERROR_CACHE_FULL);
  attn_session_destroy(session);
}

TEST_F(SessionTest, SessionsRunConcurrently) {
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      // Each thread its own sequence, so that a cache shared by mistake
      // would show.
      std::vector<int32_t> tokens;
      for (int i = 0; i < 40; ++i)
        tokens.push_back(int32_t((t * 7 + i * (t + 1)) % V));
      std::vector<std::vector<float>> expected = reference(tokens);
      attn_session *session;
      if (attn_session_create(model, 64, &session) != ATTN_OK) {
        ++failures[t];
        return;
      }
      for (int round = 0; round < 5; ++round) {
        std::vector<float> logits(5 * V);
        attn_session_reset(session);
        if (attn_session_prefill(session, tokens.data(), 5,
                                 ATTN_PREFILL_ALL_LOGITS,
                                 logits.data()) != ATTN_OK)
          ++failures[t];
        for (size_t i = 5; i < tokens.size(); ++i) {
          if (attn_session_decode(session, tokens[i], logits.data()) != ATTN_OK)
            ++failures[t];
          for (int64_t v = 0; v < V; ++v)
            if (std::fabs(logits[v] - expected[i][v]) >
                1e-5 * (1 + std::fabs(expected[i][v])))
              ++failures[t];
        }
        // An error on one thread must not disturb the others.
        if (attn_session_decode(session, int32_t(V), logits.data()) !=
            ATTN_ERROR_TOKEN_OUT_OF_RANGE)
          ++failures[t];
      }
      attn_session_destroy(session);
    });
  for (std::thread &thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(failures[t], 0) << "thread " << t;
}
