//===- Report.h - attn-run's errors and rates -------------------*- C++ -*-===//

#ifndef ATTN_TOOLS_ATTN_RUN_REPORT_H
#define ATTN_TOOLS_ATTN_RUN_REPORT_H

#include "attn/runtime.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace attn::run {

/// Prints "attn-run: error: WHAT" and returns the exit status of a failed
/// run.
inline int fail(const std::string &what) {
  std::fprintf(stderr, "attn-run: error: %s\n", what.c_str());
  return 1;
}

/// Prints "attn-run: warning: WHAT".
inline void warn(const std::string &what) {
  std::fprintf(stderr, "attn-run: warning: %s\n", what.c_str());
}

/// fail() with the runtime's message for `status`.
inline int failStatus(attn_status status) {
  return fail(std::string(attn_error_message()) + " [" +
              attn_status_name(status) + "]");
}

inline double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

inline void printRate(std::FILE *out, const char *phase, int64_t tokens,
                      double seconds) {
  std::fprintf(out, "%s: %lld tokens in %.3f ms, %.2f tokens/s\n", phase,
               (long long)tokens, seconds * 1e3,
               seconds > 0 ? tokens / seconds : 0.0);
}

} // namespace attn::run

#endif // ATTN_TOOLS_ATTN_RUN_REPORT_H
