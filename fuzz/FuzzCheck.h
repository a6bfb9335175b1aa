//===- FuzzCheck.h - Properties a fuzz target asserts -----------*- C++ -*-===//
//
// A fuzz target that only waits for crashes misses wrong answers. These
// checks turn a broken promise (an error that does not name its file, a
// config outside the documented limits) into an abort that libFuzzer
// reports, with the property and what was seen.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_FUZZ_FUZZCHECK_H
#define ATTN_FUZZ_FUZZCHECK_H

#include <cstdio>
#include <cstdlib>
#include <string>

namespace attn::fuzz {

/// Aborts with `property` and `seen` unless `holds`.
inline void check(bool holds, const char *property,
                  const std::string &seen = "") {
  if (holds)
    return;
  std::fprintf(stderr, "fuzz property violated: %s\n  seen: %s\n", property,
               seen.c_str());
  std::abort();
}

/// Whether `text` starts with `prefix`.
inline bool startsWith(const std::string &text, const std::string &prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

} // namespace attn::fuzz

#endif // ATTN_FUZZ_FUZZCHECK_H
