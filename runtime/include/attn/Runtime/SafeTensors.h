//===- SafeTensors.h - Reading .safetensors files ---------------*- C++ -*-===//
//
// A safetensors file is an 8-byte little-endian header length N, N bytes of
// JSON mapping tensor names to dtype, shape and data offsets, then the data.
// Everything in the header is checked against the file before any tensor is
// handed out: the kernels read these bytes without bounds checks.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_SAFETENSORS_H
#define ATTN_RUNTIME_SAFETENSORS_H

#include "attn/Runtime/DType.h"
#include "attn/Runtime/MappedFile.h"
#include "attn/Runtime/Status.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace attn::rt {

/// One tensor of a safetensors file, validated against the file.
struct TensorInfo {
  std::string name;
  /// The safetensors spelling ("F32", "I64", ...).
  std::string dtypeName;
  /// Set when the dtype is one the runtime converts (F32, F16, BF16).
  std::optional<DType> dtype;
  std::vector<int64_t> shape;
  /// Points into the mapping; `byteSize` bytes long.
  const unsigned char *data = nullptr;
  size_t byteSize = 0;
};

/// A mapped and validated safetensors file.
class SafeTensorsFile {
public:
  static Status open(const std::string &path,
                     std::unique_ptr<SafeTensorsFile> &result);

  const std::string &path() const { return file_->path(); }
  const std::vector<TensorInfo> &tensors() const { return tensors_; }

private:
  std::unique_ptr<MappedFile> file_;
  std::vector<TensorInfo> tensors_;
};

/// Renders a shape as "[2, 3]" for messages.
std::string formatShape(const std::vector<int64_t> &shape);

/// A tensor found in a WeightStore, with the file it came from.
struct LocatedTensor {
  const SafeTensorsFile *file;
  const TensorInfo *tensor;
};

/// Every tensor of one or more safetensors files, by name: a single file, a
/// directory, or a sharded model.safetensors.index.json.
class WeightStore {
public:
  static Status open(const std::string &path,
                     std::unique_ptr<WeightStore> &result);

  /// nullptr when no file holds `name`.
  const LocatedTensor *find(const std::string &name) const;
  /// What the user named, for messages.
  const std::string &path() const { return path_; }
  const std::vector<std::unique_ptr<SafeTensorsFile>> &files() const {
    return files_;
  }

private:
  Status addFile(const std::string &path);
  Status openIndex(const std::string &indexPath);

  std::string path_;
  std::vector<std::unique_ptr<SafeTensorsFile>> files_;
  std::map<std::string, LocatedTensor> tensors_;
};

} // namespace attn::rt

#endif // ATTN_RUNTIME_SAFETENSORS_H
