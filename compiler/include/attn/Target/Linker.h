//===- Linker.h - Link a model object into a shared library -----*- C++ -*-===//
//
// Both backends link the object they emit into model.so with the ld.lld
// that ships with LLVM; they differ only in what else goes into the link.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TARGET_LINKER_H
#define ATTN_TARGET_LINKER_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir {
namespace attn {

/// The linker to run: `requested` if it is not empty, else ld.lld (or
/// ld.lld-22) next to the LLVM tools this compiler was built with, then on
/// PATH. Returns an empty string after emitting an error at `loc`.
std::string findLinker(Location loc, StringRef requested);

/// Writes an object with `emitObject` to a temporary file and links it with
/// `linker` into the shared library `outputPath`: the object, then
/// `extraArguments` (more inputs and flags), then `-L` for the folders of
/// this host's C library, then `libraries`. The linker's output goes into
/// the error emitted at `loc` when the link fails.
LogicalResult
linkSharedLibrary(Location loc, StringRef linker, StringRef outputPath,
                  StringRef objectPrefix,
                  function_ref<LogicalResult(raw_ostream &)> emitObject,
                  ArrayRef<std::string> extraArguments,
                  ArrayRef<std::string> libraries);

} // namespace attn
} // namespace mlir

#endif // ATTN_TARGET_LINKER_H
