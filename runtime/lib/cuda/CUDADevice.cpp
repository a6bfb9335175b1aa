//===- CUDADevice.cpp - What the runtime needs of a GPU -------------------===//

#include "CUDADevice.h"

#include "CUDADriver.h"

#include <cctype>
#include <utility>

using namespace attn::cuda;

int attn::cuda::parseArch(const std::string &arch) {
  if (arch.size() < 5 || arch.compare(0, 3, "sm_") != 0)
    return -1;
  int value = 0;
  for (size_t i = 3; i < arch.size(); ++i) {
    // sm_90a: the suffix asks for architecture-specific features of sm_90.
    if (i + 1 == arch.size() && arch[i] == 'a' && i > 4)
      break;
    if (!std::isdigit(static_cast<unsigned char>(arch[i])) || value > 1000)
      return -1;
    value = value * 10 + (arch[i] - '0');
  }
  return value;
}

static std::string capabilityName(int capability) {
  return std::to_string(capability / 10) + "." +
         std::to_string(capability % 10);
}

bool attn::cuda::checkDevice(const std::string &library,
                             const std::string &arch, bool exactMajor,
                             std::string &error) {
  std::string prefix = library + ": built for CUDA " + arch + ", but ";
  int required = parseArch(arch);
  if (required < 0) {
    error = library + ": manifest target arch '" + arch +
            "' is not of the form sm_<major><minor>";
    return false;
  }
  const Driver *d = driver();
  if (!d) {
    error = prefix + driverError();
    return false;
  }
  char message[512];
  if (!currentContext(message, sizeof(message))) {
    error = prefix + message;
    return false;
  }
  CUdevice device = 0;
  int major = 0, minor = 0;
  char name[256] = "unknown GPU";
  CUresult status;
  if ((status = d->deviceGet(&device, 0)) != kSuccess ||
      (status = d->deviceGetAttribute(&major, kAttributeComputeCapabilityMajor,
                                      device)) != kSuccess ||
      (status = d->deviceGetAttribute(&minor, kAttributeComputeCapabilityMinor,
                                      device)) != kSuccess) {
    error = prefix + "the compute capability of GPU 0 is unknown: " +
            errorString(status);
    return false;
  }
  d->deviceGetName(name, sizeof(name), device);
  int actual = major * 10 + minor;
  if (actual < required) {
    error = prefix + "GPU 0 (" + name + ") has compute capability " +
            capabilityName(actual) + ", older than " +
            capabilityName(required) + " (rebuild with --cuda-arch=sm_" +
            std::to_string(actual) + " if attnc supports it)";
    return false;
  }
  // sm_90a code (wgmma) exists on compute capability 9.0 only; the driver
  // would refuse it on any other GPU with a message that names no cause.
  if (arch.back() == 'a' && actual != required) {
    error = prefix + "its kernels use the architecture-specific features of " +
            arch + ", which only GPUs of compute capability " +
            capabilityName(required) + " have, and GPU 0 (" + name + ") is " +
            capabilityName(actual) + " (rebuild with --cuda-arch=sm_" +
            std::to_string(actual) +
            " if attnc supports it, or with --pipeline-options=wgmma=false)";
    return false;
  }
  if (exactMajor && actual / 10 != required / 10) {
    error = prefix + "its kernels are cubins for compute capability " +
            capabilityName(required) + " and GPU 0 (" + name + ") is " +
            capabilityName(actual) + " (rebuild with --cuda-arch=sm_" +
            std::to_string(actual) + ", or embed PTX)";
    return false;
  }
  return true;
}

DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept
    : pointer(std::exchange(other.pointer, 0)),
      bytes(std::exchange(other.bytes, 0)) {}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  std::swap(pointer, other.pointer);
  std::swap(bytes, other.bytes);
  return *this;
}

/// The driver with GPU 0's context current on the calling thread (the
/// driver's memory functions act on the current context, and sessions may
/// move between threads); null after filling `error`.
static const Driver *readyDriver(std::string &error) {
  const Driver *d = driver();
  char message[512];
  if (!d || !currentContext(message, sizeof(message))) {
    error = d ? message : driverError();
    return nullptr;
  }
  return d;
}

/// Waits for the copies and memsets issued on the legacy default stream.
/// They may still be running when the call returns (a copy from pageable
/// memory returns once the data is staged), and the kernels of a model
/// library run on non-blocking streams, which do not wait for that stream.
static CUresult finishTransfers(const Driver *d) {
  return d->streamSynchronize(nullptr);
}

DeviceBuffer::~DeviceBuffer() {
  std::string ignored;
  if (pointer)
    if (const Driver *d = readyDriver(ignored))
      d->memFree(pointer);
}

bool DeviceBuffer::allocate(size_t size, bool zero, std::string &error) {
  const Driver *d = readyDriver(error);
  if (!d)
    return false;
  CUdeviceptr allocated = 0;
  // cuMemAlloc rejects 0 bytes; an empty buffer still gets an address.
  CUresult status = d->memAlloc(&allocated, size ? size : 1);
  if (status != kSuccess) {
    error = "cannot allocate " + std::to_string(size) +
            " bytes of GPU memory: " + errorString(status);
    return false;
  }
  if (zero && ((status = d->memsetD8(allocated, 0, size)) != kSuccess ||
               (status = finishTransfers(d)) != kSuccess)) {
    d->memFree(allocated);
    error = "cannot zero GPU memory: " + std::string(errorString(status));
    return false;
  }
  *this = DeviceBuffer();
  pointer = allocated;
  bytes = size;
  return true;
}

bool DeviceBuffer::zero(std::string &error) {
  const Driver *d = readyDriver(error);
  if (!d)
    return false;
  CUresult status = d->memsetD8(pointer, 0, bytes);
  if (status == kSuccess)
    status = finishTransfers(d);
  if (status != kSuccess) {
    error = "cannot zero GPU memory: " + std::string(errorString(status));
    return false;
  }
  return true;
}

bool DeviceBuffer::upload(const void *host, size_t size, std::string &error) {
  const Driver *d = readyDriver(error);
  if (!d)
    return false;
  if (size > bytes) {
    error = "upload of " + std::to_string(size) +
            " bytes into a GPU buffer of " + std::to_string(bytes);
    return false;
  }
  CUresult status = d->memcpyHtoD(pointer, host, size);
  if (status == kSuccess)
    status = finishTransfers(d);
  if (status != kSuccess) {
    error = "copy to the GPU failed: " + std::string(errorString(status));
    return false;
  }
  return true;
}

bool DeviceBuffer::download(void *host, size_t size, std::string &error) const {
  const Driver *d = readyDriver(error);
  if (!d)
    return false;
  if (size > bytes) {
    error = "download of " + std::to_string(size) +
            " bytes from a GPU buffer of " + std::to_string(bytes);
    return false;
  }
  CUresult status = d->memcpyDtoH(host, pointer, size);
  if (status != kSuccess) {
    error = "copy from the GPU failed: " + std::string(errorString(status));
    return false;
  }
  return true;
}

std::string attn::cuda::describeStatus(int status) {
  return "CUDA error " + std::to_string(status) + ", " +
         (driver() ? errorString(status) : "no CUDA driver loaded");
}
