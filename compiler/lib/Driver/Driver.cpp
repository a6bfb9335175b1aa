//===- Driver.cpp - The attnc compiler driver -----------------------------===//

#include "attn/Driver/Driver.h"

#include "attn/Compiler/Manifest.h"
#include "attn/Frontend/ConfigParser.h"
#include "attn/Frontend/GraphBuilder.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace mlir::attn;

static constexpr llvm::StringLiteral kToolName = "attnc";

/// Runs the passes between the frontend and `emit`. Today the graph is
/// emitted as built; the pipeline exists so that the MLIR pass-manager
/// options (--mlir-print-ir-after-all, --mlir-timing, ...) apply to every
/// pass the backends add here.
static LogicalResult runPipeline(ModuleOp module, EmitKind emit) {
  PassManager pm(module->getName());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  applyDefaultTimingPassManagerCLOptions(pm);
  return pm.run(module);
}

LogicalResult mlir::attn::compile(const CompileOptions &options,
                                  MLIRContext &context,
                                  llvm::raw_ostream &errs) {
  llvm::Expected<ParsedConfig> parsed = parseModelConfigFile(options.inputPath);
  if (!parsed) {
    llvm::WithColor::error(errs, kToolName)
        << llvm::toString(parsed.takeError()) << "\n";
    return failure();
  }
  for (const std::string &warning : parsed->warnings)
    llvm::WithColor::warning(errs, kToolName) << warning << "\n";

  Location loc = FileLineColLoc::get(&context, options.inputPath, 0, 0);
  OwningOpRef<ModuleOp> module = buildModelGraph(&context, parsed->config, loc);
  if (!module) {
    llvm::WithColor::error(errs, kToolName)
        << "the graph built from " << options.inputPath
        << " does not verify (a bug in attnc's frontend)\n";
    return failure();
  }
  if (failed(runPipeline(*module, options.emit)))
    return failure();

  if (options.emit == EmitKind::Library) {
    llvm::WithColor::error(errs, kToolName)
        << "emitting a model library is not yet supported: no backend has "
           "landed; use --emit=mlir or --emit=manifest\n";
    return failure();
  }

  std::string text;
  if (options.emit == EmitKind::Manifest) {
    text = buildManifestJson(*module);
    if (text.empty())
      return failure();
  }

  std::string openError;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(options.outputPath, &openError);
  if (!output) {
    llvm::WithColor::error(errs, kToolName) << openError << "\n";
    return failure();
  }
  if (options.emit == EmitKind::Mlir)
    module->print(output->os(), OpPrintingFlags());
  else
    output->os() << text;
  output->keep();
  return success();
}

int mlir::attn::attncMain(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerAsmPrinterCLOptions();
  registerDefaultTimingManagerCLOptions();

  llvm::cl::OptionCategory category("attnc options");
  llvm::cl::opt<std::string> input(llvm::cl::Positional, llvm::cl::Required,
                                   llvm::cl::desc("<config.json>"),
                                   llvm::cl::cat(category));
  llvm::cl::opt<std::string> output(
      "o",
      llvm::cl::desc("Output file (default: model.so for a library, stdout "
                     "otherwise; '-' is stdout)"),
      llvm::cl::value_desc("file"), llvm::cl::init(""),
      llvm::cl::cat(category));
  llvm::cl::opt<EmitKind> emit(
      "emit", llvm::cl::desc("What to write"),
      llvm::cl::values(
          clEnumValN(EmitKind::Mlir, "mlir", "the attn graph as MLIR text"),
          clEnumValN(EmitKind::Manifest, "manifest",
                     "the manifest JSON (config echo, ABI version, weights)"),
          clEnumValN(EmitKind::Library, "library",
                     "a model library for the runtime (default; not yet "
                     "supported)")),
      llvm::cl::init(EmitKind::Library), llvm::cl::cat(category));

  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "attnc: compiles a Hugging Face config.json of the Llama family "
      "(llama, mistral, qwen2) into a model library\n");

  CompileOptions options;
  options.inputPath = input;
  options.emit = emit;
  options.outputPath =
      output.empty() ? defaultOutputPath(emit).str() : output.getValue();

  MLIRContext context;
  return succeeded(compile(options, context, llvm::errs())) ? 0 : 1;
}
