//===- WeightRepacking.cpp - Weight layouts the kernels ask for -----------===//

#include "WeightRepacking.h"

#include <cstring>

namespace attn::rt {

template <size_t Size>
static void packPanelsOf(const unsigned char *src, unsigned char *dst,
                         int64_t rows, int64_t cols, int64_t width) {
  // Each source row is read once, in order; its elements land `width` apart
  // in one panel, which stays in cache while its rows are read.
  for (int64_t row = 0; row < rows; ++row) {
    int64_t panel = row / width, column = row % width;
    const unsigned char *from = src + size_t(row) * cols * Size;
    unsigned char *to = dst + (size_t(panel) * cols * width + column) * Size;
    for (int64_t c = 0; c < cols; ++c)
      std::memcpy(to + size_t(c) * width * Size, from + size_t(c) * Size, Size);
  }
}

void packPanels(const void *src, void *dst, size_t elementSize, int64_t rows,
                int64_t cols, int64_t width) {
  auto *from = static_cast<const unsigned char *>(src);
  auto *to = static_cast<unsigned char *>(dst);
  if (elementSize == 4)
    packPanelsOf<4>(from, to, rows, cols, width);
  else
    packPanelsOf<2>(from, to, rows, cols, width);
}

} // namespace attn::rt
