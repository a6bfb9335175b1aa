//===- CPUTarget.h - LLVM IR, objects and model.so for the CPU --*- C++ -*-===//
//
// The last steps of the CPU backend: translate the LLVM dialect to LLVM IR,
// optimise it for the chosen CPU, emit an object in-process through LLVM's
// TargetMachine, and link it into the shared library the runtime loads.
// Each function accepts a module at any phase of the CPU pipeline and lowers
// it the rest of the way first.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TARGET_CPU_CPUTARGET_H
#define ATTN_TARGET_CPU_CPUTARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir {
namespace attn {

struct CPUTargetOptions {
  /// The CPU to tune and select instructions for (`--mcpu`); empty or
  /// "native" means the host's, with the host's features.
  std::string cpu;
  /// Extra target features, LLVM spelling ("+avx2,-fma").
  std::string features;
  /// LLVM optimisation level, 0 to 3.
  unsigned optLevel = 3;
  /// The linker; empty searches for ld.lld next to the LLVM tools, then on
  /// PATH.
  std::string linkerPath;
};

/// The f32 lanes of the widest vector registers the chosen CPU has: 16 with
/// AVX-512, 8 with AVX2 and FMA, else 4 (SSE, NEON). The vectorised kernels
/// size their tiles by it. Fails, with an error at `module`'s location, on
/// an unknown CPU.
FailureOr<int64_t> preferredF32Lanes(ModuleOp module,
                                     const CPUTargetOptions &options);

/// Writes the optimised LLVM IR of `module` as text.
LogicalResult emitLLVMIR(ModuleOp module, const CPUTargetOptions &options,
                         llvm::raw_ostream &os);

/// Writes the assembly of `module` for the chosen CPU.
LogicalResult emitAssembly(ModuleOp module, const CPUTargetOptions &options,
                           llvm::raw_ostream &os);

/// Writes a relocatable (position-independent) object of `module`.
LogicalResult emitObject(ModuleOp module, const CPUTargetOptions &options,
                         llvm::raw_ostream &os);

/// Compiles `module` to a shared library at `outputPath`. Errors (unknown
/// CPU, linker not found or failing) are emitted as diagnostics on the
/// module's location.
LogicalResult compileToSharedLibrary(ModuleOp module,
                                     const CPUTargetOptions &options,
                                     StringRef outputPath);

} // namespace attn
} // namespace mlir

#endif // ATTN_TARGET_CPU_CPUTARGET_H
