//===- SafeTensorsFuzzer.cpp - Bytes as a .safetensors file ---------------===//
//
// Any file either opens, or gives an error that names the file. When it
// opens, every tensor is compared byte for byte with the range its header
// entry names in the input, read here independently of the loader: the range
// must lie in the data section, span the tensor's byte size and overlap no
// other. libFuzzer's input buffer is exactly `size` bytes, so AddressSanitizer
// also catches a range that the loader let run past the end.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"
#include "ScratchFile.h"

#include "attn/Runtime/SafeTensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

using namespace attn::rt;
using attn::fuzz::check;

static const std::string &scratch() {
  static const std::string path = attn::fuzz::scratchPath(".safetensors");
  return path;
}

static void removeScratch() { unlink(scratch().c_str()); }

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  std::atexit(removeScratch);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  attn::fuzz::writeScratch(scratch(), data, size);
  std::unique_ptr<SafeTensorsFile> file;
  Status status = SafeTensorsFile::open(scratch(), file);
  if (!status.ok()) {
    check(attn::fuzz::startsWith(status.message(), scratch() + ": "),
          "an error starts with the file name", status.message());
    return 0;
  }

  check(size >= 8, "an accepted file holds the header length");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | data[i];
  check(headerSize <= size - 8, "an accepted header fits in the file");
  const char *headerText = reinterpret_cast<const char *>(data + 8);
  nlohmann::json header = nlohmann::json::parse(
      headerText, headerText + headerSize, nullptr, /*allow_exceptions=*/false);
  check(header.is_object(), "an accepted header is a JSON object");
  const uint8_t *dataSection = data + 8 + headerSize;
  uint64_t dataSize = size - 8 - headerSize;

  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const TensorInfo &tensor : file->tensors()) {
    const nlohmann::json &offsets = header[tensor.name]["data_offsets"];
    uint64_t begin = offsets[0].get<uint64_t>();
    uint64_t end = offsets[1].get<uint64_t>();
    check(begin <= end && end <= dataSize,
          "an accepted tensor lies in the data section", tensor.name);
    check(end - begin == tensor.byteSize,
          "an accepted tensor spans its data_offsets", tensor.name);
    check(std::memcmp(tensor.data, dataSection + begin, tensor.byteSize) == 0,
          "an accepted tensor points at its bytes", tensor.name);
    if (tensor.dtype) {
      uint64_t elements = 1;
      for (int64_t dim : tensor.shape)
        elements *= uint64_t(dim);
      check(elements * dtypeSize(*tensor.dtype) == tensor.byteSize,
            "byte size is elements x dtype size", tensor.name);
    }
    if (begin != end)
      ranges.push_back({begin, end});
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i)
    check(ranges[i - 1].second <= ranges[i].first,
          "accepted tensors do not overlap");
  return 0;
}
