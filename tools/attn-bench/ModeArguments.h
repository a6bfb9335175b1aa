//===- ModeArguments.h - The flags of attn-bench's part modes ---*- C++ -*-===//
//
// --attention and --matmul take the same shapes of argument: -h/--help,
// `--flag=value`, and `--flag value` for the flags that take one.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_MODEARGUMENTS_H
#define ATTN_TOOLS_ATTN_BENCH_MODEARGUMENTS_H

#include <algorithm>
#include <initializer_list>
#include <string>

namespace attn::bench {

/// Reads argv[i] (advancing `i` past a separate value) into `flag` and
/// `value`; `valued` lists the flags that take a value. Returns false with
/// `error` set when such a flag ends the command line.
inline bool readModeArgument(int argc, char **argv, int &i,
                             std::initializer_list<const char *> valued,
                             std::string &flag, std::string &value,
                             std::string &error) {
  flag = argv[i];
  value.clear();
  size_t equals = flag.find('=');
  if (flag.compare(0, 2, "--") == 0 && equals != std::string::npos) {
    value = flag.substr(equals + 1);
    flag = flag.substr(0, equals);
    return true;
  }
  if (std::find(valued.begin(), valued.end(), flag) == valued.end())
    return true;
  if (i + 1 == argc) {
    error = flag + " needs a value";
    return false;
  }
  value = argv[++i];
  return true;
}

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_MODEARGUMENTS_H
