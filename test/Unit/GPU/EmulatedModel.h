//===- EmulatedModel.h - A whole CUDA model library on the CPU --*- C++ -*-===//
//
// A config.json through attnc's CUDA path, as `attnc --target=cuda
// --cuda-arch=sm_90` compiles it (frontend graph, compileToCUDALibrary),
// into a model library linked with the emulator's launch functions
// (EmulatorStubs.c) instead of the driver's; and the same graph through the
// CUDA pipeline stopped after its NVVM phase, whose kernels EmulatorKernels.h
// compiles for the host. Opened through the runtime's C API on the stand-in
// driver (Fixtures/FakeCUDA.c, whose "device" memory is host memory), the
// library then runs the host code attnc emits, with the kernels a GPU would
// get, on the buffers the real runtime allocates, uploads and reads back.
//
// EmulatorFunction.h does the same for one function of a few lines.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_GPU_EMULATEDMODEL_H
#define ATTN_TEST_UNIT_GPU_EMULATEDMODEL_H

#include "EmulatorKernels.h"

#include "attn/runtime.h"

#include <memory>
#include <string>

namespace attn_emu {

class EmulatedModel {
public:
  /// Compiles the config at `configPath` for sm_90 with the CUDA pipeline
  /// options `pipelineOptions` (as `attnc --pipeline-options` takes them)
  /// into a model library at `libraryPath`, and its kernels for the
  /// emulator. Null with `error` set on any failure.
  static std::unique_ptr<EmulatedModel>
  compile(const std::string &configPath, const std::string &pipelineOptions,
          const std::string &libraryPath, std::string &error);

  /// attn_model_open on the library, whose constructors get this model's
  /// kernels from their mgpuModuleLoad. The runtime must reach the stand-in
  /// driver ($ATTN_CUDA_DRIVER_LIBRARY) for its device memory.
  attn_status open(attn_model **model) const;

  const KernelModule &kernels() const { return emulated->kernels(); }
  const std::string &libraryPath() const { return library; }

private:
  EmulatedModel() = default;

  std::unique_ptr<EmulatedKernels> emulated;
  std::string library;
};

} // namespace attn_emu

#endif // ATTN_TEST_UNIT_GPU_EMULATEDMODEL_H
