//===- Driver.h - The attnc compiler driver ---------------------*- C++ -*-===//
//
// Everything attnc does, as a library: tools/attnc is a one-line main over
// attncMain, and tests can compile models without starting a process.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DRIVER_DRIVER_H
#define ATTN_DRIVER_DRIVER_H

#include "attn/Driver/EmitKind.h"
#include "attn/GPU/CUDATarget.h"
#include "attn/Pipelines/CPUPipeline.h"
#include "attn/Target/CPU/CPUTarget.h"

#include "mlir/Support/LLVM.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace mlir {
class MLIRContext;
namespace attn {

/// The machine the model library runs on.
enum class TargetKind { CPU, CUDA };

struct CompileOptions {
  /// The config.json to compile (`-` reads stdin).
  std::string inputPath;
  /// Where the result goes (`-` is stdout; not for a library).
  std::string outputPath;
  EmitKind emit = EmitKind::Library;
  /// Only with `emit == EmitKind::Mlir`: the CPU phase after which the IR is
  /// printed (--compile-to). None prints the graph the frontend builds.
  std::optional<CPUPhase> stopAfter;
  /// The CPU pipeline's passes and their settings (--pipeline-options);
  /// its `stopAfter` is ignored, the field above decides, and an unset
  /// `vectorSize` is the chosen CPU's (preferredF32Lanes).
  CPUPipelineOptions cpuPipeline;
  /// CPU, features, optimisation level and linker for llvm, asm, obj and
  /// library outputs.
  CPUTargetOptions target;
  /// CPU (the default) or an NVIDIA GPU. With CUDA, `cuda` chooses the
  /// architecture; the library, llvm (host code), ptx and mlir (the graph)
  /// outputs are available, asm, obj and --compile-to are not.
  TargetKind targetKind = TargetKind::CPU;
  CUDATargetOptions cuda;
  /// Print a line with the time taken by each long phase on the error stream.
  bool verbose = false;
  /// Apply MLIR's pass-manager command-line options (--mlir-print-ir-*,
  /// --mlir-timing, ...) to the pipeline. Only for callers that registered
  /// them, as attncMain does; applying unregistered options fails.
  bool applyMLIRCommandLineOptions = false;
};

/// Compiles `options.inputPath` up to `options.emit` and writes the result.
/// Errors, including MLIR diagnostics, are printed to `errs` as
/// `attnc: error: ...`. The output appears at its path only when complete:
/// after a failure no file (and no partial file) is left there.
LogicalResult compile(const CompileOptions &options, MLIRContext &context,
                      llvm::raw_ostream &errs);

/// The whole attnc command: parses the command line, compiles, and returns
/// the process exit status (0 on success, 1 on any error).
int attncMain(int argc, char **argv);

} // namespace attn
} // namespace mlir

#endif // ATTN_DRIVER_DRIVER_H
