//===- EmitKind.h - What attnc writes ---------------------------*- C++ -*-===//
//
// The kinds of result attnc can write, in pipeline order, as in IREE's
// --compile-to: every stage can be inspected from the command line.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DRIVER_EMITKIND_H
#define ATTN_DRIVER_EMITKIND_H

#include "llvm/ADT/StringRef.h"

namespace mlir {
namespace attn {

enum class EmitKind {
  /// MLIR text: the attn graph the frontend builds, or the IR after the CPU
  /// phase named by --compile-to.
  Mlir,
  /// The manifest JSON that travels into the library (docs/abi.md).
  Manifest,
  /// The optimised LLVM IR of the model, as text.
  Llvm,
  /// The assembly for the chosen CPU.
  Asm,
  /// A relocatable object for the chosen CPU.
  Obj,
  /// The PTX of the GPU kernels (--target=cuda only).
  Ptx,
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
