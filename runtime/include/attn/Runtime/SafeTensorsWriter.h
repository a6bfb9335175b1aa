//===- SafeTensorsWriter.h - Writing .safetensors files ---------*- C++ -*-===//
//
// Streams tensors to a file one after another, so that the weights of a
// large model never need to be in memory at once. The header is padded so
// that the data section starts 64-byte aligned in the file (and hence in a
// mapping); tensors follow each other without gaps, as the format requires.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_SAFETENSORSWRITER_H
#define ATTN_RUNTIME_SAFETENSORSWRITER_H

#include "attn/Runtime/DType.h"
#include "attn/Runtime/Status.h"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace attn::rt {

struct TensorSpec {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
};

class SafeTensorsWriter {
public:
  /// Creates `path` and writes the header for `tensors`, in that order.
  static Status create(const std::string &path,
                       const std::vector<TensorSpec> &tensors,
                       const std::map<std::string, std::string> &metadata,
                       SafeTensorsWriter &result);
  SafeTensorsWriter() = default;
  SafeTensorsWriter(SafeTensorsWriter &&other) noexcept;
  SafeTensorsWriter &operator=(SafeTensorsWriter &&other) noexcept;
  ~SafeTensorsWriter();

  /// Appends `count` values to the current tensor, converted from f32 to its
  /// dtype; moves to the next tensor once the current one is full.
  Status write(const float *values, size_t count);
  /// Checks that every tensor was written in full and closes the file.
  Status finish();

private:
  std::string path;
  std::FILE *file = nullptr;
  std::vector<TensorSpec> tensors;
  std::vector<uint64_t> elementCounts;
  size_t current = 0;
  uint64_t writtenInCurrent = 0;
};

/// Number of elements of a shape (1 for a scalar).
uint64_t elementCount(const std::vector<int64_t> &shape);

/// Writes whole tensors given as f32 values.
Status writeSafeTensors(const std::string &path,
                        const std::vector<TensorSpec> &tensors,
                        const std::vector<std::vector<float>> &values);

} // namespace attn::rt

#endif // ATTN_RUNTIME_SAFETENSORSWRITER_H
