//===- TestFiles.h - Scratch files for runtime tests ------------*- C++ -*-===//

#ifndef ATTN_TEST_UNIT_RUNTIME_TESTFILES_H
#define ATTN_TEST_UNIT_RUNTIME_TESTFILES_H

#include <cstdint>
#include <string>
#include <vector>

namespace attn::rt::test {

/// A fresh directory, removed with its files when the object dies.
class ScratchDir {
public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir &) = delete;
  ScratchDir &operator=(const ScratchDir &) = delete;

  const std::string &path() const { return dir; }
  std::string file(const std::string &name) const { return dir + "/" + name; }

private:
  std::string dir;
};

void writeBytes(const std::string &path, const std::string &bytes);
std::string readBytes(const std::string &path);

/// A safetensors file from a header text and data bytes, so that tests can
/// write headers that lie.
std::string safetensorsBytes(const std::string &header,
                             const std::string &data);

/// Path of a fixture model library built next to the tests.
std::string fixturePath(const std::string &name);

} // namespace attn::rt::test

#endif // ATTN_TEST_UNIT_RUNTIME_TESTFILES_H
