//===- ConcurrencyTest.cpp - Sessions on one model from many threads ------===//
//
// Runs several token sequences through one model one at a time, then all at
// once from as many threads (each thread its own session, created in the
// thread), and requires the same logits bit for bit: the model is shared
// and read-only, each session owns its caches, so nothing may leak between
// them. scripts/test.sh also runs this under ThreadSanitizer.
//
// By default the model is the TinyModel.c fixture. ATTN_CONCURRENCY_MODEL
// (a compiled model library) and ATTN_CONCURRENCY_WEIGHTS (what
// attn_model_load_weights accepts) point the same test at a real model.
//
//===----------------------------------------------------------------------===//

#include "FixtureModel.h"
#include "TestFiles.h"

#include "attn/runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>

using namespace attn::rt;
using namespace attn::rt::test;

namespace {

constexpr int kThreads = 6;
constexpr int64_t kPrompt = 5, kLength = 24;

/// The logits of every position of one sequence: a prompt prefilled with
/// all logits, then one decode per token.
using Trace = std::vector<float>;

class ConcurrencyTest : public ::testing::Test {
protected:
  void SetUp() override {
    const char *library = std::getenv("ATTN_CONCURRENCY_MODEL");
    const char *weights = std::getenv("ATTN_CONCURRENCY_WEIGHTS");
    std::string weightsPath = weights ? weights : "";
    if (!library) {
      // f16 on disk: the f32 weights are converted copies that every
      // session reads at once.
      weightsPath = dir.file("model.safetensors");
      writeFixtureWeights(weightsPath, DType::F16);
    }
    std::string libraryPath = library ? library : fixturePath("tiny_model");
    ASSERT_EQ(attn_model_open(libraryPath.c_str(), &model), ATTN_OK)
        << attn_error_message();
    ASSERT_EQ(attn_model_load_weights(model, weightsPath.c_str()), ATTN_OK)
        << attn_error_message();
    vocab = attn_model_vocab_size(model);
  }
  void TearDown() override { attn_model_close(model); }

  /// A different sequence per thread, so that a cache shared by mistake
  /// changes the logits.
  std::vector<int32_t> tokensOf(int thread) const {
    std::vector<int32_t> tokens;
    for (int64_t i = 0; i < kLength; ++i)
      tokens.push_back(int32_t((thread * 7919 + i * (thread + 3)) % vocab));
    return tokens;
  }

  /// Runs `tokens` in a fresh session; false (with the message in `error`)
  /// on any failure.
  bool run(const std::vector<int32_t> &tokens, Trace &trace,
           std::string &error) const {
    attn_session *session = nullptr;
    if (attn_session_create(model, kLength, &session) != ATTN_OK) {
      error = attn_error_message();
      return false;
    }
    trace.assign(size_t(kLength * vocab), 0.0f);
    bool ok =
        attn_session_prefill(session, tokens.data(), kPrompt,
                             ATTN_PREFILL_ALL_LOGITS, trace.data()) == ATTN_OK;
    for (int64_t i = kPrompt; ok && i < kLength; ++i)
      ok = attn_session_decode(session, tokens[i], trace.data() + i * vocab) ==
           ATTN_OK;
    if (!ok)
      error = attn_error_message();
    attn_session_destroy(session);
    return ok;
  }

  ScratchDir dir;
  attn_model *model = nullptr;
  int64_t vocab = 0;
};

TEST_F(ConcurrencyTest, ThreadsGiveTheLogitsOfOneAtATime) {
  std::vector<Trace> alone(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    std::string error;
    ASSERT_TRUE(run(tokensOf(t), alone[t], error)) << error;
  }
  // The sequences differ, so equal traces below mean each thread saw its own.
  ASSERT_NE(alone[0], alone[1]);

  std::vector<Trace> together(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<char> ok(kThreads, 0);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      std::vector<int32_t> tokens = tokensOf(t);
      // Start together, so that the runs overlap rather than queue up.
      ready.fetch_add(1);
      while (ready.load() < kThreads)
        std::this_thread::yield();
      ok[t] = run(tokens, together[t], errors[t]);
    });
  for (std::thread &thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(ok[t]) << "thread " << t << ": " << errors[t];
    EXPECT_EQ(together[t], alone[t])
        << "thread " << t << " got other logits than its sequence alone";
  }
}

} // namespace
