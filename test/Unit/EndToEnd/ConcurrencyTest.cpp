//===- ConcurrencyTest.cpp - Sessions of a compiled model on many threads -===//
//
// Several sessions on one compiled model, each driven by its own thread,
// must give exactly the logits that the same sessions give one at a time:
// compiled code keeps no mutable global state and each session owns its KV
// cache. The runtime's own concurrency test uses a fixture library; this one
// runs the code attnc writes, OpenMP teams included.
//
//===----------------------------------------------------------------------===//

#include "CompiledModel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

using namespace attn_e2e;

namespace {

constexpr int kSessions = 4;
constexpr int64_t kPromptTokens = 9;
constexpr int64_t kDecodes = 5;
constexpr int64_t kCapacity = kPromptTokens + kDecodes;

/// Runs one session: a prefill of `prompt`, then decodes of the greedy
/// continuation. Returns every logit it produced, in order, or an empty
/// vector with `error` set.
std::vector<float> runSession(attn_model *model,
                              const std::vector<int32_t> &prompt, int64_t vocab,
                              std::string &error) {
  attn_session *session = nullptr;
  if (attn_session_create(model, kCapacity, &session) != ATTN_OK) {
    error = attn_error_message();
    return {};
  }
  std::vector<float> all(kPromptTokens * vocab);
  std::vector<float> logits(vocab);
  if (attn_session_prefill(session, prompt.data(), kPromptTokens,
                           ATTN_PREFILL_ALL_LOGITS, all.data()) != ATTN_OK) {
    error = attn_error_message();
    attn_session_destroy(session);
    return {};
  }
  logits.assign(all.end() - vocab, all.end());
  for (int64_t step = 0; step < kDecodes; ++step) {
    int32_t next = static_cast<int32_t>(
        std::max_element(logits.begin(), logits.end()) - logits.begin());
    if (attn_session_decode(session, next, logits.data()) != ATTN_OK) {
      error = attn_error_message();
      attn_session_destroy(session);
      return {};
    }
    all.insert(all.end(), logits.begin(), logits.end());
  }
  attn_session_destroy(session);
  return all;
}

TEST(Concurrency, SessionsOnThreadsMatchSessionsInTurn) {
  const CompiledModel *compiled = compiledModel("gqa");
  ASSERT_NE(compiled, nullptr);
  OpenModel open;
  ASSERT_TRUE(openModel(*compiled, open));
  int64_t vocab = compiled->tinyModel().config.vocabSize;

  std::vector<std::vector<int32_t>> prompts;
  for (int i = 0; i < kSessions; ++i)
    prompts.push_back(randomTokens(kPromptTokens, vocab, 100 + i));

  std::vector<std::vector<float>> inTurn(kSessions);
  for (int i = 0; i < kSessions; ++i) {
    std::string error;
    inTurn[i] = runSession(open.model, prompts[i], vocab, error);
    ASSERT_FALSE(inTurn[i].empty()) << error;
  }

  std::vector<std::vector<float>> concurrent(kSessions);
  std::vector<std::string> errors(kSessions);
  std::vector<std::thread> threads;
  for (int i = 0; i < kSessions; ++i)
    threads.emplace_back([&, i] {
      concurrent[i] = runSession(open.model, prompts[i], vocab, errors[i]);
    });
  for (std::thread &thread : threads)
    thread.join();

  for (int i = 0; i < kSessions; ++i) {
    ASSERT_FALSE(concurrent[i].empty()) << "session " << i << ": " << errors[i];
    // The same code on the same inputs: bit for bit, not within a tolerance.
    EXPECT_EQ(concurrent[i], inTurn[i]) << "session " << i;
  }
  // Different prompts give different logits, so equality above is not
  // a sign of sessions reading each other's state.
  EXPECT_NE(inTurn[0], inTurn[1]);
}

} // namespace
