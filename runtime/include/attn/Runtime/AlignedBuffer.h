//===- AlignedBuffer.h - Owned, 64-byte aligned memory ----------*- C++ -*-===//
//
// Converted weights and KV caches live in cache-line (and AVX-512) aligned
// buffers; allocation failure is reported, never thrown.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_ALIGNEDBUFFER_H
#define ATTN_RUNTIME_ALIGNEDBUFFER_H

#include <cstddef>
#include <cstdlib>
#include <utility>

namespace attn::rt {

class AlignedBuffer {
public:
  static constexpr size_t kAlignment = 64;

  AlignedBuffer() = default;
  AlignedBuffer(AlignedBuffer &&other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)) {}
  AlignedBuffer &operator=(AlignedBuffer &&other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;
  ~AlignedBuffer() { std::free(data_); }

  /// Replaces the contents with `size` uninitialised bytes; false when the
  /// memory is not available (the old contents are then released).
  bool allocate(size_t size) {
    std::free(data_);
    size_ = 0;
    size_t rounded = (size + kAlignment - 1) / kAlignment * kAlignment;
    if (rounded < size)
      return false;
    data_ = std::aligned_alloc(kAlignment, rounded ? rounded : kAlignment);
    if (data_)
      size_ = size;
    return data_ != nullptr;
  }

  void *data() const { return data_; }
  size_t size() const { return size_; }

private:
  void *data_ = nullptr;
  size_t size_ = 0;
};

} // namespace attn::rt

#endif // ATTN_RUNTIME_ALIGNEDBUFFER_H
