//===- CompiledFunction.cpp - A few lines of MLIR, compiled and loaded ----===//

#include "CompiledFunction.h"

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

namespace attn::bench {

CompiledFunction::~CompiledFunction() {
  if (handle)
    dlclose(handle);
  if (!path.empty())
    llvm::sys::fs::remove(path);
}

bool CompiledFunction::build(const std::string &source, const std::string &name,
                             llvm::function_ref<bool(mlir::ModuleOp)> link,
                             std::string &error) {
  {
    mlir::DialectRegistry registry;
    mlir::attn::registerAllDialects(registry);
    mlir::MLIRContext context(registry);
    // A failing pass would otherwise print the whole module after its
    // message; the tool's user wants the message.
    context.printOpOnDiagnostic(false);
    llvm::raw_string_ostream errors(error);
    llvm::SourceMgr sourceMgr;
    mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, errors);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(source, &context);
    if (!module)
      return false;
    llvm::SmallString<128> file;
    if (std::error_code code = llvm::sys::fs::createTemporaryFile(
            "attn-bench-" + name, "so", file)) {
      error = "cannot create a temporary library file: " + code.message();
      return false;
    }
    path = file.str().str();
    if (!link(*module))
      return false;
  }
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
                               const mlir::attn::CPUPipelineOptions &pipeline,
                               std::string &error) {
  return build(
      source, name,
      [&](mlir::ModuleOp module) {
        mlir::PassManager pm(module.getContext());
        mlir::attn::populateCPUPipeline(pm, pipeline);
        return mlir::succeeded(pm.run(module)) &&
               mlir::succeeded(mlir::attn::compileToSharedLibrary(
                   module, mlir::attn::CPUTargetOptions(), path));
      },
      error);
}

bool CompiledFunction::compileForCUDA(
    const std::string &source, const std::string &name,
    const mlir::attn::CUDATargetOptions &target, std::string &error) {
  return build(
      source, name,
      [&](mlir::ModuleOp module) {
        // compileToCUDALibrary runs the CUDA pipeline itself.
        return mlir::succeeded(
            mlir::attn::compileToCUDALibrary(module, target, path));
      },
      error);
}

} // namespace attn::bench
