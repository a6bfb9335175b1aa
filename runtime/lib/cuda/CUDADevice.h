//===- CUDADevice.h - What the runtime needs of a GPU -----------*- C++ -*-===//
//
// The runtime's side of a CUDA model library: check that the machine can
// run it (driver, GPU, architecture) and keep the weights and caches in
// device memory. Everything goes through the driver loaded at run time
// (CUDADriver.h).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_CUDA_CUDADEVICE_H
#define ATTN_RUNTIME_CUDA_CUDADEVICE_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace attn {
namespace cuda {

/// The compute capability `arch` ("sm_90") names, as 10 * major + minor;
/// -1 when it is not of the form sm_<digits>.
int parseArch(const std::string &arch);

/// Checks that a library built for `arch` can run here: the driver loads
/// and initialises, there is a GPU, and GPU 0's compute capability is at
/// least `arch`'s (same major version for a cubin, `exactMajor`; exactly
/// `arch`'s for an architecture-specific target such as sm_90a). On
/// failure returns false with a message in `error` that names `library`
/// (the model library's path) and what is missing.
bool checkDevice(const std::string &library, const std::string &arch,
                 bool exactMajor, std::string &error);

/// The driver's name and text for a CUresult (an entry point's non-zero
/// return value), for messages.
std::string describeStatus(int status);

/// A buffer in device memory (cuMemAlloc), freed when destroyed. Every
/// operation makes GPU 0's context current on the calling thread first, so
/// a buffer may be used from any thread.
class DeviceBuffer {
public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  DeviceBuffer(DeviceBuffer &&other) noexcept;
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  ~DeviceBuffer();

  /// Allocates `bytes` (zeroed when `zero`); false with a message.
  bool allocate(size_t bytes, bool zero, std::string &error);
  /// Sets every byte to 0; false with a message.
  bool zero(std::string &error);
  bool upload(const void *host, size_t bytes, std::string &error);
  bool download(void *host, size_t bytes, std::string &error) const;

  /// The device address, to put in an attn_call.
  void *data() const { return reinterpret_cast<void *>(pointer); }
  size_t size() const { return bytes; }

private:
  unsigned long long pointer = 0;
  size_t bytes = 0;
};

} // namespace cuda
} // namespace attn

#endif // ATTN_RUNTIME_CUDA_CUDADEVICE_H
