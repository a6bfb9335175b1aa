//===- EmulatorKernels.h - The CUDA kernels, compiled for the host -*- C++ -*-//
//
// The kernels of the CUDA pipeline stopped after its NVVM phase, the very
// LLVM IR the NVPTX backend would get, rewritten to run on the host and
// JIT-compiled: nvvm intrinsics become calls to the emulator
// (EmulatorLaunch.h), wgmma's inline PTX calls to the emulator
// (EmulatorWgmmaRewrite.h), libdevice functions calls to host math,
// shared-memory globals buffers in one arena, other globals plain globals,
// and each kernel gets a wrapper `<kernel>_emu(void **params)` taking its
// arguments as a CUDA launch passes them.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_GPU_EMULATORKERNELS_H
#define ATTN_TEST_UNIT_GPU_EMULATORKERNELS_H

#include "EmulatorLaunch.h"

#include "mlir/IR/BuiltinOps.h"

#include <cstdlib>
#include <memory>
#include <string>

namespace llvm::orc {
class LLJIT;
} // namespace llvm::orc

namespace attn_emu {

/// The JIT-compiled kernels of one module, alive as long as this object.
class EmulatedKernels {
public:
  ~EmulatedKernels();

  /// Compiles the kernels of the one gpu.module of `module` (the CUDA
  /// pipeline's output at its NVVM phase). Null with `error` set when the
  /// module has no or several gpu.modules, does not translate, or calls
  /// what the emulator does not provide.
  static std::unique_ptr<EmulatedKernels> create(mlir::ModuleOp module,
                                                 std::string &error);

  const KernelModule &kernels() const { return module; }

private:
  EmulatedKernels() = default;

  /// Every shared-memory global of the module, at its offset.
  std::unique_ptr<char, void (*)(void *)> arena{nullptr, std::free};
  std::unique_ptr<llvm::orc::LLJIT> jit;
  KernelModule module;
};

} // namespace attn_emu

#endif // ATTN_TEST_UNIT_GPU_EMULATORKERNELS_H
