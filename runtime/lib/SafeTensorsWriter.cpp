//===- SafeTensorsWriter.cpp - Writing .safetensors files -----------------===//

#include "attn/Runtime/SafeTensorsWriter.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>

namespace attn::rt {

using json = nlohmann::json;

static constexpr size_t kDataAlignment = 64;

uint64_t elementCount(const std::vector<int64_t> &shape) {
  uint64_t count = 1;
  for (int64_t extent : shape)
    count *= uint64_t(extent);
  return count;
}

static Status ioError(const std::string &path, const char *what) {
  return Status::error(ATTN_ERROR_IO, "cannot " + std::string(what) + " '" +
                                          path + "': " + std::strerror(errno));
}

SafeTensorsWriter::SafeTensorsWriter(SafeTensorsWriter &&other) noexcept {
  *this = std::move(other);
}

SafeTensorsWriter &
SafeTensorsWriter::operator=(SafeTensorsWriter &&other) noexcept {
  std::swap(path, other.path);
  std::swap(file, other.file);
  std::swap(tensors, other.tensors);
  std::swap(elementCounts, other.elementCounts);
  std::swap(current, other.current);
  std::swap(writtenInCurrent, other.writtenInCurrent);
  return *this;
}

SafeTensorsWriter::~SafeTensorsWriter() {
  if (file)
    std::fclose(file);
}

Status
SafeTensorsWriter::create(const std::string &path,
                          const std::vector<TensorSpec> &tensors,
                          const std::map<std::string, std::string> &metadata,
                          SafeTensorsWriter &result) {
  // nlohmann's object type sorts keys, which is what the Python writer does
  // too; the data is laid out in the caller's order regardless.
  json header = json::object();
  if (!metadata.empty())
    header["__metadata__"] = metadata;
  uint64_t offset = 0;
  std::vector<uint64_t> counts;
  for (const TensorSpec &spec : tensors) {
    if (header.contains(spec.name))
      return Status::error(ATTN_ERROR_INVALID_ARGUMENT,
                           "tensor '" + spec.name + "' is written twice");
    uint64_t count = elementCount(spec.shape);
    uint64_t bytes = count * dtypeSize(spec.dtype);
    header[spec.name] = {{"dtype", safetensorsDTypeName(spec.dtype)},
                         {"shape", spec.shape},
                         {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    counts.push_back(count);
  }
  std::string text = header.dump();
  while ((8 + text.size()) % kDataAlignment)
    text.push_back(' ');

  SafeTensorsWriter writer;
  writer.path = path;
  writer.file = std::fopen(path.c_str(), "wb");
  if (!writer.file)
    return ioError(path, "create");
  unsigned char length[8];
  for (int i = 0; i < 8; ++i)
    length[i] = uint64_t(text.size()) >> (8 * i) & 0xff;
  if (std::fwrite(length, 1, 8, writer.file) != 8 ||
      std::fwrite(text.data(), 1, text.size(), writer.file) != text.size())
    return ioError(path, "write");
  writer.tensors = tensors;
  writer.elementCounts = std::move(counts);
  // Zero-element tensors are complete before anything is written.
  while (writer.current < writer.tensors.size() &&
         writer.elementCounts[writer.current] == 0)
    ++writer.current;
  result = std::move(writer);
  return Status::success();
}

Status SafeTensorsWriter::write(const float *values, size_t count) {
  std::vector<unsigned char> buffer;
  while (count) {
    if (current >= tensors.size())
      return Status::error(ATTN_ERROR_INVALID_ARGUMENT,
                           path + ": more values written than the tensors "
                                  "hold");
    DType dtype = tensors[current].dtype;
    uint64_t room = elementCounts[current] - writtenInCurrent;
    size_t chunk = size_t(std::min<uint64_t>(room, count));
    buffer.resize(chunk * dtypeSize(dtype));
    convertElements(values, DType::F32, buffer.data(), dtype, chunk);
    if (std::fwrite(buffer.data(), 1, buffer.size(), file) != buffer.size())
      return ioError(path, "write");
    values += chunk;
    count -= chunk;
    writtenInCurrent += chunk;
    while (current < tensors.size() &&
           writtenInCurrent == elementCounts[current]) {
      ++current;
      writtenInCurrent = 0;
    }
  }
  return Status::success();
}

Status SafeTensorsWriter::finish() {
  if (current < tensors.size())
    return Status::error(ATTN_ERROR_INVALID_ARGUMENT,
                         path + ": tensor '" + tensors[current].name +
                             "' was not written in full");
  std::FILE *f = std::exchange(file, nullptr);
  if (!f || std::fclose(f) != 0)
    return ioError(path, "close");
  return Status::success();
}

Status writeSafeTensors(const std::string &path,
                        const std::vector<TensorSpec> &tensors,
                        const std::vector<std::vector<float>> &values) {
  if (values.size() != tensors.size())
    return Status::error(ATTN_ERROR_INVALID_ARGUMENT,
                         "writeSafeTensors: " + std::to_string(tensors.size()) +
                             " tensors but " + std::to_string(values.size()) +
                             " value arrays");
  for (size_t i = 0; i < tensors.size(); ++i)
    if (values[i].size() != elementCount(tensors[i].shape))
      return Status::error(ATTN_ERROR_INVALID_ARGUMENT,
                           "writeSafeTensors: tensor '" + tensors[i].name +
                               "' has " + std::to_string(values[i].size()) +
                               " values for shape of " +
                               std::to_string(elementCount(tensors[i].shape)));
  SafeTensorsWriter writer;
  ATTN_RETURN_IF_ERROR(SafeTensorsWriter::create(path, tensors, {}, writer));
  for (const std::vector<float> &tensor : values)
    ATTN_RETURN_IF_ERROR(writer.write(tensor.data(), tensor.size()));
  return writer.finish();
}

} // namespace attn::rt
