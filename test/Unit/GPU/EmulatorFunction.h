//===- EmulatorFunction.h - A CUDA-compiled function on the CPU -*- C++ -*-===//
//
// A few lines of MLIR through the CUDA backend twice: once to a real CUDA
// library (host code, launches, embedded PTX), linked with the emulator's
// launch functions (EmulatorStubs.c) instead of the driver's; once to the
// NVVM phase, whose kernels EmulatorKernels.h compiles for the host. Loading
// the library then loads the emulated kernels, and calling its entry point
// runs the host code attnc emits with the kernels the GPU would get.
//
// attn-bench's functions take the same path (attn/Driver/CompiledFunction.h)
// with the real launch functions.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_GPU_EMULATORFUNCTION_H
#define ATTN_TEST_UNIT_GPU_EMULATORFUNCTION_H

#include "EmulatorKernels.h"

#include "attn/Driver/CompiledFunction.h"

#include <memory>
#include <string>

namespace attn_emu {

/// What attnc's CUDA target gets for `--cuda-arch=sm_90 --pipeline-options
/// <pipelineOptions>`, but with PTX and the emulator's launch functions
/// (EmulatorStubs.c) linked into the library in place of the driver's.
mlir::attn::CUDATargetOptions
emulatorTarget(const std::string &pipelineOptions);

/// The kernels of `module` (the frontend's graph, or the CUDA pipeline's
/// input at any phase before `kernels`) that the library compileToCUDALibrary
/// builds from it with `target` launches: the same pipeline with the same
/// settings, stopped after the nvvm phase. `module` is left as it was. Null
/// with `error` set on any failure.
std::unique_ptr<EmulatedKernels>
compileKernels(mlir::ModuleOp module,
               const mlir::attn::CUDATargetOptions &target, std::string &error);

class EmulatedFunction {
public:
  EmulatedFunction() = default;
  EmulatedFunction(const EmulatedFunction &) = delete;
  EmulatedFunction &operator=(const EmulatedFunction &) = delete;

  /// Compiles `source` (one `func.func @name` with `llvm.emit_c_interface`)
  /// with the CUDA pipeline options `pipelineOptions` (as `attnc
  /// --pipeline-options` takes them) and loads `_mlir_ciface_<name>`. False
  /// with `error` set on any failure.
  bool compile(const std::string &source, const std::string &name,
               const std::string &pipelineOptions, std::string &error);

  /// The loaded entry point, cast to the caller's signature.
  template <typename Fn> Fn get() const { return library.get<Fn>(); }

  /// The kernels the library launches.
  const KernelModule &kernels() const { return emulated->kernels(); }

private:
  std::unique_ptr<EmulatedKernels> emulated;
  mlir::attn::CompiledFunction library;
};

} // namespace attn_emu

#endif // ATTN_TEST_UNIT_GPU_EMULATORFUNCTION_H
