//===- EmulatorFunction.cpp - A CUDA-compiled function on the CPU ---------===//

#include "EmulatorFunction.h"
#include "CompileHelpers.h"

#include "attn/GPU/CUDAPipeline.h"
#include "attn/GPU/CUDATarget.h"

#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"

#include <dlfcn.h>

namespace attn_emu {

EmulatedFunction::~EmulatedFunction() {
  if (handle)
    dlclose(handle);
  if (!path.empty())
    llvm::sys::fs::remove(path);
}

bool EmulatedFunction::compile(const std::string &source,
                               const std::string &name,
                               const std::string &pipelineOptions,
                               std::string &error) {
  {
    std::unique_ptr<mlir::MLIRContext> context = attn_test::makeContext();
    context->printOpOnDiagnostic(false);
    llvm::raw_string_ostream errors(error);
    llvm::SourceMgr sourceMgr;
    mlir::SourceMgrDiagnosticHandler handler(sourceMgr, context.get(), errors);
    mlir::OwningOpRef<mlir::ModuleOp> forKernels =
        mlir::parseSourceString<mlir::ModuleOp>(source, context.get());
    mlir::OwningOpRef<mlir::ModuleOp> forLibrary =
        mlir::parseSourceString<mlir::ModuleOp>(source, context.get());
    if (!forKernels || !forLibrary)
      return false;

    // The same options as the library's pipeline below, so that the kernels
    // and their names are the ones its launches ask for.
    mlir::attn::CUDAPipelineOptions pipeline;
    if (mlir::failed(mlir::attn::parseCUDAPipelineOptions(
            pipelineOptions, pipeline, [&](const llvm::Twine &message) {
              error += message.str();
              return mlir::failure();
            })))
      return false;
    pipeline.stopAfter = mlir::attn::CUDAPhase::NVVM;
    pipeline.arch = "sm_90";
    mlir::PassManager pm(context.get());
    mlir::attn::populateCUDAPipeline(pm, pipeline);
    if (mlir::failed(pm.run(*forKernels)))
      return false;
    emulated = EmulatedKernels::create(*forKernels, error);
    if (!emulated)
      return false;

    llvm::SmallString<128> file;
    if (std::error_code code = llvm::sys::fs::createTemporaryFile(
            "attn-emulated-" + name, "so", file)) {
      error = "cannot create a temporary library file: " + code.message();
      return false;
    }
    path = file.str().str();
    mlir::attn::CUDATargetOptions target;
    target.arch = pipeline.arch;
    target.format = mlir::attn::CUDAKernelFormat::PTX;
    target.wrappersArchive = ATTN_EMULATOR_STUBS_ARCHIVE;
    target.pipelineOptions = pipelineOptions;
    if (mlir::failed(
            mlir::attn::compileToCUDALibrary(*forLibrary, target, path)))
      return false;
  }
  // The library's constructors load its kernel module.
  setNextModule(&emulated->kernels());
  handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  setNextModule(nullptr);
  if (!handle) {
    error = "dlopen of the compiled " + name + " failed: " + dlerror();
    return false;
  }
  std::string symbol = "_mlir_ciface_" + name;
  entry = dlsym(handle, symbol.c_str());
  if (!entry) {
    error = "the compiled " + name + " has no " + symbol;
    return false;
  }
  return true;
}

} // namespace attn_emu
