//===- CompiledFunction.cpp - A few lines of MLIR, compiled and loaded ----===//

#include "attn/Driver/CompiledFunction.h"

#include "attn/Compiler/Registration.h"
#include "attn/Target/CPU/CPUTarget.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"

#include <dlfcn.h>

using namespace mlir;
using namespace mlir::attn;

CompiledFunction::~CompiledFunction() {
  if (handle)
    dlclose(handle);
  if (!path.empty())
    llvm::sys::fs::remove(path);
}

bool CompiledFunction::compileWith(const std::string &source,
                                   const std::string &name,
                                   function_ref<bool(ModuleOp, StringRef)> link,
                                   function_ref<void()> beforeLoad,
                                   std::string &error) {
  {
    DialectRegistry registry;
    registerAllDialects(registry);
    MLIRContext context(registry);
    // A failing pass would otherwise print the whole module after its
    // message; the tool's user wants the message.
    context.printOpOnDiagnostic(false);
    llvm::raw_string_ostream errors(error);
    llvm::SourceMgr sourceMgr;
    SourceMgrDiagnosticHandler handler(sourceMgr, &context, errors);
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    if (!module)
      return false;
    llvm::SmallString<128> file;
    if (std::error_code code =
            llvm::sys::fs::createTemporaryFile("attn-" + name, "so", file)) {
      error = "cannot create a temporary library file: " + code.message();
      return false;
    }
    path = file.str().str();
    if (!link(*module, path))
      return false;
  }
  if (beforeLoad)
    beforeLoad();
  handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
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

bool CompiledFunction::compile(const std::string &source,
                               const std::string &name,
                               const CPUPipelineOptions &pipeline,
                               std::string &error) {
  return compileWith(
      source, name,
      [&](ModuleOp module, StringRef libraryPath) {
        PassManager pm(module.getContext());
        populateCPUPipeline(pm, pipeline);
        return succeeded(pm.run(module)) &&
               succeeded(compileToSharedLibrary(module, CPUTargetOptions(),
                                                libraryPath));
      },
      /*beforeLoad=*/nullptr, error);
}

bool CompiledFunction::compileForCUDA(const std::string &source,
                                      const std::string &name,
                                      const CUDATargetOptions &target,
                                      std::string &error) {
  return compileWith(
      source, name,
      [&](ModuleOp module, StringRef libraryPath) {
        // compileToCUDALibrary runs the CUDA pipeline itself.
        return succeeded(compileToCUDALibrary(module, target, libraryPath));
      },
      /*beforeLoad=*/nullptr, error);
}
