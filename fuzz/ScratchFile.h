//===- ScratchFile.h - The fuzz input as a file -----------------*- C++ -*-===//
//
// The runtime reads weights by mapping files, and mapping is part of what is
// tested, so each input is written to one file per process (in /dev/shm when
// there is one, to keep the disk out of the loop) and read back from there.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_FUZZ_SCRATCHFILE_H
#define ATTN_FUZZ_SCRATCHFILE_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace attn::fuzz {

/// A path private to this process, ending in `suffix`.
inline std::string scratchPath(const char *suffix) {
  const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : nullptr;
  if (!dir)
    dir = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  return std::string(dir) + "/attn-fuzz-" + std::to_string(getpid()) + suffix;
}

/// Replaces the contents of `path` with `size` bytes of `data`; aborts when
/// the file cannot be written, since every later result would be meaningless.
inline void writeScratch(const std::string &path, const uint8_t *data,
                         size_t size) {
  FILE *file = std::fopen(path.c_str(), "wb");
  if (!file || (size && std::fwrite(data, 1, size, file) != size) ||
      std::fclose(file) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
}

} // namespace attn::fuzz

#endif // ATTN_FUZZ_SCRATCHFILE_H
