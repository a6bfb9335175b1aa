//===- ParseNumber.h - Integer arguments of the command-line tools -*- C++ -*-//
//
// Header-only, so that attn-run, which links no LLVM (and so no
// cl::opt), and attn-bench parse their integers the same way without a
// library between them.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_COMMON_PARSENUMBER_H
#define ATTN_TOOLS_COMMON_PARSENUMBER_H

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace attn::tools {

/// Parses `text`, the value of `flag`, as a decimal integer of at least
/// `min` into `result`; else sets `error` to a message naming the flag and
/// the value and returns false.
inline bool parseInt(const std::string &flag, const std::string &text,
                     int64_t min, int64_t &result, std::string &error) {
  errno = 0;
  char *end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end || errno == ERANGE) {
    error = flag + ": '" + text + "' is not an integer";
    return false;
  }
  if (value < min) {
    error = flag + ": " + text + " is below " + std::to_string(min);
    return false;
  }
  result = value;
  return true;
}

} // namespace attn::tools

#endif // ATTN_TOOLS_COMMON_PARSENUMBER_H
