//===- EmulatedModel.cpp - A whole CUDA model library on the CPU ----------===//

#include "EmulatedModel.h"
#include "EmulatorFunction.h"

#include "attn/Compiler/Registration.h"
#include "attn/Frontend/ConfigParser.h"
#include "attn/Frontend/GraphBuilder.h"
#include "attn/GPU/CUDATarget.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/raw_ostream.h"

namespace attn_emu {

std::unique_ptr<EmulatedModel>
EmulatedModel::compile(const std::string &configPath,
                       const std::string &pipelineOptions,
                       const std::string &libraryPath, std::string &error) {
  llvm::Expected<mlir::attn::ParsedConfig> parsed =
      mlir::attn::parseModelConfigFile(configPath);
  if (!parsed) {
    error = llvm::toString(parsed.takeError());
    return nullptr;
  }
  mlir::DialectRegistry registry;
  mlir::attn::registerAllDialects(registry);
  mlir::attn::registerCUDATranslations(registry);
  mlir::MLIRContext context(registry);
  llvm::raw_string_ostream diagnostics(error);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    diagnostics << diag.str() << "\n";
  });
  mlir::OwningOpRef<mlir::ModuleOp> graph = mlir::attn::buildModelGraph(
      &context, parsed->config,
      mlir::FileLineColLoc::get(&context, configPath, 0, 0));
  if (!graph)
    return nullptr;

  mlir::attn::CUDATargetOptions target = emulatorTarget(pipelineOptions);
  // As the driver sets it.
  target.bf16Checkpoint = parsed->config.checkpointType == "bfloat16";
  std::unique_ptr<EmulatedModel> model(new EmulatedModel());
  model->emulated = compileKernels(*graph, target, error);
  if (!model->emulated)
    return nullptr;
  if (mlir::failed(
          mlir::attn::compileToCUDALibrary(*graph, target, libraryPath))) {
    diagnostics << "compileToCUDALibrary failed\n";
    return nullptr;
  }
  model->library = libraryPath;
  return model;
}

attn_status EmulatedModel::open(attn_model **model) const {
  setNextModule(&emulated->kernels());
  attn_status status = attn_model_open(library.c_str(), model);
  setNextModule(nullptr);
  return status;
}

} // namespace attn_emu
