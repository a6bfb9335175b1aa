//===- Throughput.h - The pp and tg tests of llama-bench --------*- C++ -*-===//

#ifndef ATTN_TOOLS_ATTN_BENCH_THROUGHPUT_H
#define ATTN_TOOLS_ATTN_BENCH_THROUGHPUT_H

#include "attn/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attn::bench {

enum class TestKind {
  /// One prefill of `tokens` tokens from an empty cache, logits of the last.
  Prompt,
  /// `tokens` decodes of one token each from an empty cache, with logits.
  Generate,
};

struct TestResult {
  TestKind kind;
  int64_t tokens = 0;
  /// Tokens in the cache before the test (-d).
  int64_t depth = 0;
  /// Tokens per second of each timed repetition.
  std::vector<double> rates;
  double mean = 0;
  /// Sample standard deviation (n - 1); 0 for a single repetition.
  double stddev = 0;

  /// "pp512" or "tg128", with " @ d4096" at a depth, as llama-bench.
  std::string name() const;
};

/// Runs one warm-up (the whole prefill for pp, one decode for tg, as
/// llama-bench does) and then `repetitions` timed runs on `session`, which
/// is reset before each and then, untimed, filled with `depth` tokens. Token
/// ids are pseudo-random in [0, vocab). On a runtime error returns the
/// status with the session left usable.
attn_status runTest(attn_session *session, int64_t vocab, TestKind kind,
                    int64_t tokens, int64_t depth, int64_t repetitions,
                    TestResult &result);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_THROUGHPUT_H
