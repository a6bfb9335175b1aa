//===- Library.cpp - Link the CUDA model library --------------------------===//
//
// model.so = the host object (entry points, launches, embedded kernels) +
// the launch functions of runtime/lib/cuda (a static archive whose symbols
// stay hidden), linked with ld.lld against libc only. The library reaches the
// CUDA driver by dlopen("libcuda.so.1") when it is loaded, so building and
// loading it needs no CUDA installation.
//
//===----------------------------------------------------------------------===//

#include "CUDATargetUtils.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::attn;

static std::string findLinker(ModuleOp module,
                              const CUDATargetOptions &options) {
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
      << ATTN_LLVM_TOOLS_DIR << " and on PATH (install lld)";
  return "";
}

static std::string findWrappers(ModuleOp module,
                                const CUDATargetOptions &options) {
  std::string path = options.wrappersArchive.empty()
                         ? std::string(ATTN_CUDA_WRAPPERS_ARCHIVE)
                         : options.wrappersArchive;
  if (llvm::sys::fs::exists(path))
    return path;
  mlir::emitError(module.getLoc())
      << "the CUDA launch functions archive '" << path
      << "' does not exist (build the AttnCUDAWrappers target)";
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

LogicalResult mlir::attn::compileToCUDALibrary(ModuleOp module,
                                               const CUDATargetOptions &options,
                                               StringRef outputPath) {
  std::string linker = findLinker(module, options);
  std::string wrappers = findWrappers(module, options);
  if (linker.empty() || wrappers.empty())
    return failure();
  FailureOr<CUDAPipelineOptions> pipeline =
      resolvePipelineOptions(module, options, CUDAPhase::LLVM);
  if (failed(pipeline) || failed(runCUDAPipeline(module, *pipeline)))
    return failure();

  llvm::SmallString<128> objectPath, logPath;
  if (llvm::sys::fs::createTemporaryFile("attn-cuda-model", "o", objectPath) ||
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
    llvm::LLVMContext context;
    std::unique_ptr<llvm::Module> llvmModule =
        translateHostToLLVMIR(module, options, context);
    if (!llvmModule)
      return failure();
    std::error_code error;
    llvm::raw_fd_ostream object(objectPath, error);
    if (error) {
      mlir::emitError(module.getLoc())
          << "cannot write " << objectPath << ": " << error.message();
      return failure();
    }
    if (failed(emitHostObject(module, *llvmModule, options, object)))
      return failure();
  }

  // --exclude-libs keeps the archive's mgpu* functions out of the dynamic
  // symbol table, so that two model libraries in one process do not share
  // (or fight over) them.
  SmallVector<std::string> args = {
      linker, "-shared",        "--no-undefined",       "--exclude-libs=ALL",
      "-o",   outputPath.str(), objectPath.str().str(), wrappers};
  for (const std::string &path : librarySearchPaths())
    args.push_back("-L" + path);
  args.append({"-lc"});
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
