//===- Driver.h - The attnc compiler driver ---------------------*- C++ -*-===//
//
// Everything attnc does, as a library: tools/attnc is a one-line main over
// attncMain, and tests can run the pipeline without a process.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DRIVER_DRIVER_H
#define ATTN_DRIVER_DRIVER_H

#include "attn/Driver/EmitKind.h"

#include "mlir/Support/LLVM.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir {
class MLIRContext;
namespace attn {

struct CompileOptions {
  /// The config.json to compile (`-` reads stdin).
  std::string inputPath;
  /// Where the result goes (`-` is stdout).
  std::string outputPath;
  EmitKind emit = EmitKind::Library;
};

/// Compiles `options.inputPath` up to `options.emit` and writes the result.
/// Errors are printed to `errs` as `attnc: error: ...`; MLIR diagnostics go
/// through `context`'s handlers. Honours the MLIR pass-manager, context and
/// printer command-line options when they are registered.
LogicalResult compile(const CompileOptions &options, MLIRContext &context,
                      llvm::raw_ostream &errs);

/// The whole attnc command: parses the command line, compiles, and returns
/// the process exit status (0 on success, 1 on any error).
int attncMain(int argc, char **argv);

} // namespace attn
} // namespace mlir

#endif // ATTN_DRIVER_DRIVER_H
