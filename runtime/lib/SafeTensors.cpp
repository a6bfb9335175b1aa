//===- SafeTensors.cpp - Reading .safetensors files -----------------------===//

#include "attn/Runtime/SafeTensors.h"

#include "attn/Support/Json.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

namespace attn::rt {

using json = support::Json;
using support::describeJson;

/// The Rust reference implementation refuses larger headers too; a bigger
/// one is a corrupt length, not a real model.
static constexpr uint64_t kMaxHeaderBytes = 100u << 20;

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

/// Element sizes of every dtype the format defines, so that the byte size
/// of tensors the runtime does not convert is still checked.
static std::optional<size_t> safetensorsElementSize(const std::string &name) {
  static const std::pair<const char *, size_t> sizes[] = {
      {"F64", 8},  {"F32", 4},     {"F16", 2},     {"BF16", 2},
      {"I64", 8},  {"I32", 4},     {"I16", 2},     {"I8", 1},
      {"U64", 8},  {"U32", 4},     {"U16", 2},     {"U8", 1},
      {"BOOL", 1}, {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"F8_E8M0", 1}};
  for (const auto &[spelling, size] : sizes)
    if (name == spelling)
      return size;
  return std::nullopt;
}

static bool readNonNegative(const json &value, uint64_t &result) {
  if (!value.is_number_unsigned())
    return false;
  result = value.get<uint64_t>();
  return true;
}

static Status formatError(const std::string &path, const std::string &what) {
  return Status::error(ATTN_ERROR_WEIGHTS_FORMAT, path + ": " + what);
}

Status SafeTensorsFile::open(const std::string &path,
                             std::unique_ptr<SafeTensorsFile> &result) {
  std::unique_ptr<SafeTensorsFile> st(new SafeTensorsFile());
  ATTN_RETURN_IF_ERROR(MappedFile::open(path, st->file_));
  const unsigned char *bytes = st->file_->data();
  uint64_t fileSize = st->file_->size();
  if (fileSize < 8)
    return formatError(path, "file is " + std::to_string(fileSize) +
                                 " bytes, too short for the 8-byte header "
                                 "length (truncated?)");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | bytes[i];
  if (headerSize > fileSize - 8)
    return formatError(path, "header length " + std::to_string(headerSize) +
                                 " exceeds the " +
                                 std::to_string(fileSize - 8) +
                                 " bytes after the length (truncated?)");
  if (headerSize > kMaxHeaderBytes)
    return formatError(path, "header length " + std::to_string(headerSize) +
                                 " is over the 100 MiB limit");
  const char *headerText = reinterpret_cast<const char *>(bytes + 8);
  json header;
  if (support::JsonSyntaxError syntax; !support::parseJson(
          std::string_view(headerText, headerSize), header, syntax))
    return formatError(path, "header is not valid JSON at " +
                                 syntax.lineAndColumn() + ": " + syntax.reason);
  if (!header.is_object())
    return formatError(path, "header is not a JSON object");

  const unsigned char *dataStart = bytes + 8 + headerSize;
  uint64_t dataSize = fileSize - 8 - headerSize;
  for (const auto &[name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object())
        return formatError(path, "'__metadata__' is not an object");
      continue;
    }
    std::string where = "tensor '" + name + "'";
    if (!entry.is_object())
      return formatError(path, where + " is not a JSON object");
    if (!entry.contains("dtype") || !entry["dtype"].is_string())
      return formatError(path, where + " has no string 'dtype'");
    TensorInfo info;
    info.name = name;
    info.dtypeName = entry["dtype"].get<std::string>();
    std::optional<size_t> elementSize = safetensorsElementSize(info.dtypeName);
    if (!elementSize)
      return formatError(path,
                         where + " has unknown dtype '" + info.dtypeName + "'");
    info.dtype = parseSafetensorsDType(info.dtypeName);

    if (!entry.contains("shape") || !entry["shape"].is_array())
      return formatError(path, where + " has no 'shape' array");
    uint64_t elements = 1;
    bool overflow = false;
    for (const json &dim : entry["shape"]) {
      uint64_t extent;
      if (!readNonNegative(dim, extent) || extent > uint64_t(INT64_MAX))
        return formatError(path, where + " has shape entry " +
                                     describeJson(dim) +
                                     " that is not a non-negative integer");
      info.shape.push_back(int64_t(extent));
      overflow |= __builtin_mul_overflow(elements, extent, &elements);
    }
    uint64_t expectedBytes;
    overflow |= __builtin_mul_overflow(elements, *elementSize, &expectedBytes);
    if (overflow)
      return formatError(path, where + " has shape " + formatShape(info.shape) +
                                   " whose byte size overflows");

    const json *offsets =
        entry.contains("data_offsets") ? &entry["data_offsets"] : nullptr;
    uint64_t begin, end;
    if (!offsets || !offsets->is_array() || offsets->size() != 2 ||
        !readNonNegative((*offsets)[0], begin) ||
        !readNonNegative((*offsets)[1], end))
      return formatError(path, where + " has no 'data_offsets' pair of "
                                       "non-negative integers");
    std::string range =
        "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
    if (begin > end)
      return formatError(path, where + " has data_offsets " + range +
                                   " that end before they begin");
    if (end > dataSize)
      return formatError(path, where + " has data_offsets " + range +
                                   " outside the " + std::to_string(dataSize) +
                                   "-byte data section (truncated file or "
                                   "lying header)");
    if (end - begin != expectedBytes)
      return formatError(path, where + " has data_offsets " + range +
                                   " spanning " + std::to_string(end - begin) +
                                   " bytes, but dtype " + info.dtypeName +
                                   " and shape " + formatShape(info.shape) +
                                   " need " + std::to_string(expectedBytes));
    info.data = dataStart + begin;
    info.byteSize = size_t(expectedBytes);
    st->tensors_.push_back(std::move(info));
  }

  // The format forbids tensors that share bytes; a header that claims them
  // is corrupt or crafted.
  std::vector<const TensorInfo *> byOffset;
  for (const TensorInfo &info : st->tensors_)
    if (info.byteSize)
      byOffset.push_back(&info);
  std::sort(byOffset.begin(), byOffset.end(),
            [](const TensorInfo *a, const TensorInfo *b) {
              return a->data < b->data;
            });
  for (size_t i = 1; i < byOffset.size(); ++i) {
    const TensorInfo *prev = byOffset[i - 1], *next = byOffset[i];
    if (prev->data + prev->byteSize > next->data)
      return formatError(path, "tensors '" + prev->name + "' and '" +
                                   next->name + "' overlap");
  }
  result = std::move(st);
  return Status::success();
}

//===----------------------------------------------------------------------===//
// WeightStore
//===----------------------------------------------------------------------===//

static std::string parentDirectory(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

static bool endsWith(const std::string &text, const std::string &suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status WeightStore::addFile(const std::string &path) {
  std::unique_ptr<SafeTensorsFile> file;
  ATTN_RETURN_IF_ERROR(SafeTensorsFile::open(path, file));
  for (const TensorInfo &info : file->tensors()) {
    auto [it, inserted] =
        tensors_.emplace(info.name, LocatedTensor{file.get(), &info});
    if (!inserted)
      return Status::error(ATTN_ERROR_WEIGHTS_FORMAT,
                           "tensor '" + info.name + "' is in both '" +
                               it->second.file->path() + "' and '" + path +
                               "'");
  }
  files_.push_back(std::move(file));
  return Status::success();
}

Status WeightStore::openIndex(const std::string &indexPath) {
  std::unique_ptr<MappedFile> indexFile;
  ATTN_RETURN_IF_ERROR(MappedFile::open(indexPath, indexFile));
  const char *text = reinterpret_cast<const char *>(indexFile->data());
  json index;
  if (support::JsonSyntaxError syntax; !support::parseJson(
          std::string_view(text, indexFile->size()), index, syntax))
    return formatError(indexPath, "not valid JSON at " +
                                      syntax.lineAndColumn() + ": " +
                                      syntax.reason);
  if (!index.is_object())
    return formatError(indexPath, "not a JSON object");
  if (!index.contains("weight_map") || !index["weight_map"].is_object())
    return formatError(indexPath, "no 'weight_map' object");
  const json &weightMap = index["weight_map"];
  std::vector<std::string> shards;
  for (const auto &[name, shard] : weightMap.items()) {
    if (!shard.is_string())
      return formatError(indexPath,
                         "weight_map entry '" + name + "' is not a file name");
    std::string shardName = shard.get<std::string>();
    if (shardName.empty() || shardName[0] == '/')
      return formatError(indexPath, "weight_map entry '" + name +
                                        "' names shard '" + shardName +
                                        "'; expected a path relative to the "
                                        "index");
    if (std::find(shards.begin(), shards.end(), shardName) == shards.end())
      shards.push_back(shardName);
  }
  std::string dir = parentDirectory(indexPath);
  for (const std::string &shard : shards) {
    std::string shardPath = dir + "/" + shard;
    if (access(shardPath.c_str(), F_OK) != 0)
      return formatError(indexPath, "shard '" + shard + "' (" + shardPath +
                                        ") does not exist");
    ATTN_RETURN_IF_ERROR(addFile(shardPath));
  }
  for (const auto &[name, shard] : weightMap.items()) {
    const LocatedTensor *found = find(name);
    std::string shardPath = dir + "/" + shard.get<std::string>();
    if (!found || found->file->path() != shardPath)
      return formatError(indexPath, "weight_map puts tensor '" + name +
                                        "' in '" + shardPath +
                                        "', which does not hold it");
  }
  return Status::success();
}

Status WeightStore::open(const std::string &path,
                         std::unique_ptr<WeightStore> &result) {
  std::unique_ptr<WeightStore> store(new WeightStore());
  store->path_ = path;
  struct stat info;
  if (stat(path.c_str(), &info) != 0)
    return Status::error(ATTN_ERROR_IO, "cannot open weights '" + path +
                                            "': " + std::strerror(errno));
  if (S_ISDIR(info.st_mode)) {
    std::string index = path + "/model.safetensors.index.json";
    if (access(index.c_str(), F_OK) == 0) {
      ATTN_RETURN_IF_ERROR(store->openIndex(index));
    } else {
      DIR *dir = opendir(path.c_str());
      if (!dir)
        return Status::error(ATTN_ERROR_IO, "cannot list '" + path +
                                                "': " + std::strerror(errno));
      std::vector<std::string> names;
      while (dirent *entry = readdir(dir))
        if (endsWith(entry->d_name, ".safetensors"))
          names.push_back(entry->d_name);
      closedir(dir);
      if (names.empty())
        return Status::error(ATTN_ERROR_IO,
                             "directory '" + path +
                                 "' holds neither model.safetensors.index."
                                 "json nor any .safetensors file");
      std::sort(names.begin(), names.end());
      for (const std::string &name : names)
        ATTN_RETURN_IF_ERROR(store->addFile(path + "/" + name));
    }
  } else if (endsWith(path, ".json")) {
    ATTN_RETURN_IF_ERROR(store->openIndex(path));
  } else {
    ATTN_RETURN_IF_ERROR(store->addFile(path));
  }
  result = std::move(store);
  return Status::success();
}

const LocatedTensor *WeightStore::find(const std::string &name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

} // namespace attn::rt
