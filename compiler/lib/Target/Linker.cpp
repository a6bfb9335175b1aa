//===- Linker.cpp - Link a model object into a shared library -------------===//

#include "attn/Target/Linker.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::attn;

std::string mlir::attn::findLinker(Location loc, StringRef requested) {
  if (!requested.empty()) {
    if (llvm::sys::fs::can_execute(requested))
      return requested.str();
    mlir::emitError(loc) << "the linker '" << requested
                         << "' does not exist or is not executable";
    return "";
  }
  for (llvm::StringRef name : {"ld.lld", "ld.lld-22"}) {
    if (auto path = llvm::sys::findProgramByName(name, {ATTN_LLVM_TOOLS_DIR}))
      return *path;
    if (auto path = llvm::sys::findProgramByName(name))
      return *path;
  }
  mlir::emitError(loc) << "no linker found: looked for ld.lld and ld.lld-22 in "
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

LogicalResult mlir::attn::linkSharedLibrary(
    Location loc, StringRef linker, StringRef outputPath,
    StringRef objectPrefix,
    function_ref<LogicalResult(raw_ostream &)> emitObject,
    ArrayRef<std::string> extraArguments, ArrayRef<std::string> libraries) {
  llvm::SmallString<128> objectPath, logPath;
  if (llvm::sys::fs::createTemporaryFile(objectPrefix, "o", objectPath) ||
      llvm::sys::fs::createTemporaryFile("attn-link", "log", logPath)) {
    mlir::emitError(loc, "cannot create a temporary file for the object");
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
      mlir::emitError(loc) << "cannot write " << objectPath << ": "
                           << error.message();
      return failure();
    }
    if (failed(emitObject(object)))
      return failure();
  }

  SmallVector<std::string> args = {linker.str(),     "-shared",
                                   "--no-undefined", "-o",
                                   outputPath.str(), objectPath.str().str()};
  llvm::append_range(args, extraArguments);
  for (const std::string &path : librarySearchPaths())
    args.push_back("-L" + path);
  llvm::append_range(args, libraries);
  SmallVector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, logPath.str(),
                                                logPath.str()};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(linker, argRefs, std::nullopt,
                                         redirects, 0, 0, &message);
  if (status != 0) {
    auto log = llvm::MemoryBuffer::getFile(logPath);
    mlir::emitError(loc) << "linking " << outputPath << " with " << linker
                         << " failed" << (message.empty() ? "" : ": " + message)
                         << "\n"
                         << (log ? (*log)->getBuffer() : "");
    return failure();
  }
  return success();
}
