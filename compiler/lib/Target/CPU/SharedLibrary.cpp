//===- SharedLibrary.cpp - Link the model object into model.so ------------===//
//
// The object is linked with the ld.lld that ships with LLVM (found next to
// the LLVM tools this compiler was built with, else on PATH). The library
// records libm and libc as dependencies, so that a runtime that does not
// itself link libm can still dlopen it, and libomp when it has parallel
// loops.
//
//===----------------------------------------------------------------------===//

#include "attn/Target/CPU/CPUTarget.h"
#include "attn/Target/Linker.h"

using namespace mlir;
using namespace mlir::attn;

LogicalResult mlir::attn::compileToSharedLibrary(
    ModuleOp module, const CPUTargetOptions &options, StringRef outputPath) {
  std::string linker = findLinker(module.getLoc(), options.linkerPath);
  if (linker.empty())
    return failure();
  // Parallel loops call libomp; the one of the LLVM this compiler was built
  // with is found through the rpath. Serial libraries do not depend on it.
  std::string libraries[] = {"-L" ATTN_LLVM_LIBRARY_DIR,
                             "-rpath",
                             ATTN_LLVM_LIBRARY_DIR,
                             "--as-needed",
                             "-lomp",
                             "--no-as-needed",
                             "-lm",
                             "-lc"};
  return linkSharedLibrary(
      module.getLoc(), linker, outputPath, "attn-model",
      [&](raw_ostream &object) { return emitObject(module, options, object); },
      /*extraArguments=*/{}, libraries);
}
