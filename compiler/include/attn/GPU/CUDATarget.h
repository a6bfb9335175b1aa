//===- CUDATarget.h - PTX, cubins and model.so for NVIDIA GPUs --*- C++ -*-===//
//
// The last steps of the CUDA backend: serialise the kernels (PTX in-process
// through LLVM's NVPTX backend; a cubin through ptxas where it is found),
// embed them in the host object, and link the shared library the runtime
// loads. Each function accepts the module the frontend builds (or one at
// any phase before `kernels`) and runs the CUDA pipeline first.
//
// What the driver needs: `--target=cuda` calls compileToCUDALibrary (or
// emitPTX for `--emit=ptx`) with `arch` from `--cuda-arch`; the driver's
// MLIRContext must have registerCUDATranslations' interfaces (attn tools get
// them through mlir::attn::registerAllDialects).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_GPU_CUDATARGET_H
#define ATTN_GPU_CUDATARGET_H

#include "attn/GPU/CUDAPipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace mlir {
class DialectRegistry;
namespace attn {

/// Which kernel binary model.so embeds.
enum class CUDAKernelFormat {
  /// A cubin where ptxas is found, else PTX.
  Auto,
  /// PTX, JIT-compiled by the driver at load time.
  PTX,
  /// A cubin; an error where ptxas is not found.
  Cubin,
};

struct CUDATargetOptions {
  /// The GPU architecture (`--cuda-arch`): sm_80, sm_86, sm_89, sm_90.
  std::string arch = "sm_90";
  CUDAKernelFormat format = CUDAKernelFormat::Auto;
  /// The CUDA toolkit, for ptxas; empty tries $CUDA_HOME, $CUDA_PATH,
  /// /usr/local/cuda, then PATH.
  std::string toolkitPath;
  /// Optimisation level of the kernels and of the host code, 0 to 3.
  unsigned optLevel = 3;
  /// The linker; empty searches for ld.lld next to the LLVM tools, then on
  /// PATH.
  std::string linkerPath;
  /// The static archive of launch functions (runtime/lib/cuda) linked into
  /// model.so; empty means the one built with this compiler.
  std::string wrappersArchive;
  /// Settings of the CUDA pipeline's passes (`attnc --pipeline-options`), as
  /// `attn-opt --attn-cuda-pipeline` takes them, e.g.
  /// "flash-attention=false"; the phase, architecture and kernel format are
  /// the fields above.
  std::string pipelineOptions;
  /// Whether the checkpoint's weights are bf16 (the config's dtype): the
  /// default of the pipeline's `bf16-weights`, as nothing is lost.
  bool bf16Checkpoint = false;
};

/// Registers what the CUDA pipeline needs beyond the dialects: the NVVM
/// target attribute's serialisation and the LLVM IR translations of the
/// builtin, LLVM, GPU and NVVM dialects.
void registerCUDATranslations(DialectRegistry &registry);

/// The pipeline options `options` stand for, stopping after `stopAfter`:
/// the pass options parsed, the bf16 weights of a bf16 checkpoint, the
/// kernel format resolved (Auto to Cubin where ptxas is found) and the
/// toolkit set to the one holding that ptxas. Emits an error on `module`
/// and returns failure for an unknown architecture, malformed pipeline
/// options or a cubin without ptxas.
FailureOr<CUDAPipelineOptions>
resolvePipelineOptions(ModuleOp module, const CUDATargetOptions &options,
                       CUDAPhase stopAfter);

/// `options.arch` for progress lines, with the target the kernels are
/// compiled for where that differs ("sm_90 (kernels for sm_90a: wgmma, run
/// on compute capability 9.0 only)"). Malformed pipeline options are left to
/// the compile to report.
std::string describeCUDATarget(const CUDATargetOptions &options);

/// The ptxas of `toolkitPath` (or of the default places, see
/// CUDATargetOptions::toolkitPath), if there is one.
std::optional<std::string> findPtxas(StringRef toolkitPath);

/// Writes the PTX of every kernel module of `module`, each after a
/// `// attn kernel module @name` line.
LogicalResult emitPTX(ModuleOp module, const CUDATargetOptions &options,
                      llvm::raw_ostream &os);

/// Writes the optimised LLVM IR of the host side (kernels embedded as
/// constants) as text.
LogicalResult emitCUDAHostLLVMIR(ModuleOp module,
                                 const CUDATargetOptions &options,
                                 llvm::raw_ostream &os);

/// Compiles `module` to a model library at `outputPath` with the CUDA ABI
/// of docs/abi.md; a module without that ABI (no @prefill: attn-bench's lone
/// attention) keeps its public functions exported instead. Errors (unknown
/// architecture, ptxas or linker missing or failing, shared memory over the
/// limit) are diagnostics on the module.
LogicalResult compileToCUDALibrary(ModuleOp module,
                                   const CUDATargetOptions &options,
                                   StringRef outputPath);

} // namespace attn
} // namespace mlir

#endif // ATTN_GPU_CUDATARGET_H
