//===- Throughput.cpp - The pp and tg tests of llama-bench ----------------===//

#include "Throughput.h"
#include "Statistics.h"

#include "attn/Runtime/Random.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace attn::bench {

namespace {

/// Runs the test once after `context` untimed; `seconds` is its duration.
attn_status runOnce(attn_session *session, TestKind kind,
                    const std::vector<int32_t> &context,
                    const std::vector<int32_t> &tokens, int64_t count,
                    std::vector<float> &logits, double &seconds) {
  attn_status status = attn_session_reset(session);
  if (status == ATTN_OK && !context.empty())
    status = attn_session_prefill(session, context.data(),
                                  int64_t(context.size()), 0, nullptr);
  if (status != ATTN_OK)
    return status;
  auto start = std::chrono::steady_clock::now();
  if (kind == TestKind::Prompt) {
    status =
        attn_session_prefill(session, tokens.data(), count, 0, logits.data());
  } else {
    for (int64_t i = 0; i < count && status == ATTN_OK; ++i)
      status = attn_session_decode(session, tokens[i], logits.data());
  }
  seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return status;
}

} // namespace

std::string TestResult::name() const {
  std::string name =
      (kind == TestKind::Prompt ? "pp" : "tg") + std::to_string(tokens);
  return depth ? name + " @ d" + std::to_string(depth) : name;
}

attn_status runTest(attn_session *session, int64_t vocab, TestKind kind,
                    int64_t tokens, int64_t depth, int64_t repetitions,
                    TestResult &result) {
  result = TestResult();
  result.kind = kind;
  result.tokens = tokens;
  result.depth = depth;
  rt::Random random(kind == TestKind::Prompt ? 1 : 2);
  std::vector<int32_t> ids(tokens), context(depth);
  for (int32_t &id : ids)
    id = int32_t(random.next() % uint64_t(vocab));
  for (int32_t &id : context)
    id = int32_t(random.next() % uint64_t(vocab));
  std::vector<float> logits(vocab);

  double seconds = 0;
  attn_status status =
      runOnce(session, kind, context, ids,
              kind == TestKind::Prompt ? tokens : 1, logits, seconds);
  for (int64_t rep = 0; rep < repetitions && status == ATTN_OK; ++rep) {
    status = runOnce(session, kind, context, ids, tokens, logits, seconds);
    result.rates.push_back(double(tokens) / std::max(seconds, 1e-12));
  }
  if (status != ATTN_OK)
    return status;

  MeanAndDeviation summary = summarize(result.rates);
  result.mean = summary.mean;
  result.stddev = summary.stddev;
  return ATTN_OK;
}

} // namespace attn::bench
