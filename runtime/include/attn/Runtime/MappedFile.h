//===- MappedFile.h - A read-only memory-mapped file ------------*- C++ -*-===//
//
// Weights stay in the files the user already has: the runtime maps them and
// points the kernels into the mapping wherever the layout allows.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_MAPPEDFILE_H
#define ATTN_RUNTIME_MAPPEDFILE_H

#include "attn/Runtime/Status.h"

#include <cstddef>
#include <memory>
#include <string>

namespace attn::rt {

/// A whole file mapped read-only; unmapped on destruction.
class MappedFile {
public:
  static Status open(const std::string &path,
                     std::unique_ptr<MappedFile> &result);
  ~MappedFile();
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;

  const unsigned char *data() const { return data_; }
  size_t size() const { return size_; }
  const std::string &path() const { return path_; }

private:
  MappedFile() = default;
  std::string path_;
  const unsigned char *data_ = nullptr;
  size_t size_ = 0;
};

} // namespace attn::rt

#endif // ATTN_RUNTIME_MAPPEDFILE_H
