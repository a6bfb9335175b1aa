//===- EmitKind.h - What attnc writes ---------------------------*- C++ -*-===//
//
// The phases of the pipeline at which attnc can stop and write its result,
// in pipeline order, as in IREE's --compile-to: every stage can be inspected
// from the command line. The CPU backend inserts `Llvm`, `Asm` and `Obj`
// between `Manifest` and `Library`.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DRIVER_EMITKIND_H
#define ATTN_DRIVER_EMITKIND_H

#include "llvm/ADT/StringRef.h"

namespace mlir {
namespace attn {

enum class EmitKind {
  /// The attn graph the frontend builds, as MLIR text.
  Mlir,
  /// The manifest JSON that travels into the library (docs/abi.md).
  Manifest,
  /// The model library the runtime loads (the default).
  Library,
};

/// The output path used when `-o` is not given.
llvm::StringRef defaultOutputPath(EmitKind kind);

/// Whether the output is text (written with text-mode line endings).
bool isTextOutput(EmitKind kind);

} // namespace attn
} // namespace mlir

#endif // ATTN_DRIVER_EMITKIND_H
