//===- Npy.cpp - Writing NumPy .npy files ---------------------------------===//

#include "attn/Runtime/Npy.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace attn::rt {

Status writeNpyFloat32(const std::string &path, const float *data,
                       const std::vector<int64_t> &shape) {
  std::string dims;
  uint64_t count = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    dims += (i ? ", " : "") + std::to_string(shape[i]);
    count *= uint64_t(shape[i]);
  }
  if (shape.size() == 1)
    dims += ","; // Python's one-element tuple.
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // The format pads the header with spaces and a newline so that the data
  // starts at a multiple of 64 bytes.
  size_t prefix = 10;
  while ((prefix + header.size() + 1) % 64)
    header.push_back(' ');
  header.push_back('\n');

  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file)
    return Status::error(ATTN_ERROR_IO, "cannot create '" + path +
                                            "': " + std::strerror(errno));
  unsigned char magic[10] = {0x93,
                             'N',
                             'U',
                             'M',
                             'P',
                             'Y',
                             1,
                             0,
                             uint8_t(header.size() & 0xff),
                             uint8_t(header.size() >> 8)};
  bool ok =
      std::fwrite(magic, 1, 10, file) == 10 &&
      std::fwrite(header.data(), 1, header.size(), file) == header.size() &&
      std::fwrite(data, sizeof(float), count, file) == count;
  ok &= std::fclose(file) == 0;
  if (!ok)
    return Status::error(ATTN_ERROR_IO, "cannot write '" + path +
                                            "': " + std::strerror(errno));
  return Status::success();
}

} // namespace attn::rt
