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

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::attn;

/// The linker to run, or an empty string after emitting an error.
static std::string findLinker(ModuleOp module,
                              const CPUTargetOptions &options) {
  if (!options.linkerPath.empty()) {
    if (llvm::sys::fs::can_execute(options.linkerPath))
      return options.linkerPath;
    mlir::emitError(module.getLoc()) << "the linker '" << options.linkerPath
                                     << "' does not exist or is not executable";
    return "";
  }
  for (llvm::StringRef name : {"ld.lld", "ld.lld-22"}) {
    if (auto path = llvm::sys::findProgramByName(name, {ATTN_LLVM_TOOLS_DIR}))
      return *path;
    if (auto path = llvm::sys::findProgramByName(name))
      return *path;
  }
  mlir::emitError(module.getLoc())
      << "no linker found: looked for ld.lld and ld.lld-22 in "
      << ATTN_LLVM_TOOLS_DIR
      << " and on PATH (install lld, or set the linker path)";
  return "";
}

/// The folders where the C library's shared objects live on this host.
static SmallVector<std::string> librarySearchPaths() {
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string multiarch = (triple.getArchName() + "-" + triple.getOSName() +
                           "-" + triple.getEnvironmentName())
                              .str();
  SmallVector<std::string> paths;
  for (std::string candidate :
       {"/lib/" + multiarch, "/usr/lib/" + multiarch, std::string("/lib64"),
        std::string("/usr/lib64"), std::string("/lib"),
        std::string("/usr/lib")})
    if (llvm::sys::fs::is_directory(candidate))
      paths.push_back(candidate);
  return paths;
}

LogicalResult mlir::attn::compileToSharedLibrary(
    ModuleOp module, const CPUTargetOptions &options, StringRef outputPath) {
  std::string linker = findLinker(module, options);
  if (linker.empty())
    return failure();

  llvm::SmallString<128> objectPath, logPath;
  if (llvm::sys::fs::createTemporaryFile("attn-model", "o", objectPath) ||
      llvm::sys::fs::createTemporaryFile("attn-link", "log", logPath)) {
    mlir::emitError(module.getLoc(),
                    "cannot create a temporary file for the object");
    return failure();
  }
  llvm::scope_exit cleanup([&] {
    llvm::sys::fs::remove(objectPath);
    llvm::sys::fs::remove(logPath);
  });
  {
    std::error_code error;
    llvm::raw_fd_ostream object(objectPath, error);
    if (error) {
      mlir::emitError(module.getLoc())
          << "cannot write " << objectPath << ": " << error.message();
      return failure();
    }
    if (failed(emitObject(module, options, object)))
      return failure();
  }

  SmallVector<std::string> args = {linker,           "-shared",
                                   "--no-undefined", "-o",
                                   outputPath.str(), objectPath.str().str()};
  for (const std::string &path : librarySearchPaths())
    args.push_back("-L" + path);
  // Parallel loops call libomp; the one of the LLVM this compiler was built
  // with is found through the rpath. Serial libraries do not depend on it.
  args.append({"-L" ATTN_LLVM_LIBRARY_DIR, "-rpath", ATTN_LLVM_LIBRARY_DIR,
               "--as-needed", "-lomp", "--no-as-needed"});
  args.append({"-lm", "-lc"});
  SmallVector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, logPath.str(),
                                                logPath.str()};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(linker, argRefs, std::nullopt,
                                         redirects, 0, 0, &message);
  if (status != 0) {
    auto log = llvm::MemoryBuffer::getFile(logPath);
    mlir::emitError(module.getLoc())
        << "linking " << outputPath << " with " << linker << " failed"
        << (message.empty() ? "" : ": " + message) << "\n"
        << (log ? (*log)->getBuffer() : "");
    return failure();
  }
  return success();
}
