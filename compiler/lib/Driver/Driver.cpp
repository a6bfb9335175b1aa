//===- Driver.cpp - The attnc compiler driver -----------------------------===//
//
// config.json -> frontend -> CPU pipeline -> LLVM IR -> object -> model.so,
// stopping wherever the options ask and writing what was asked for.
//
//===----------------------------------------------------------------------===//

#include "attn/Driver/Driver.h"

#include "PendingOutput.h"

#include "attn/Compiler/Manifest.h"
#include "attn/Compiler/Registration.h"
#include "attn/Frontend/ConfigParser.h"
#include "attn/Frontend/GraphBuilder.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/WithColor.h"
#include "llvm/TargetParser/Host.h"

#include <chrono>

using namespace mlir;
using namespace mlir::attn;

static constexpr llvm::StringLiteral kToolName = "attnc";

namespace {

/// Prints MLIR diagnostics in attnc's format. Every op carries the config
/// file's location at line 0 (the graph has no finer source), so such a
/// location is shown as just the file name.
class DiagnosticPrinter {
public:
  DiagnosticPrinter(MLIRContext &context, llvm::raw_ostream &errs)
      : errs(errs),
        handler(&context, [this](Diagnostic &diag) { print(diag); }) {}

private:
  void print(Diagnostic &diag) {
    llvm::raw_ostream &os = [&]() -> llvm::raw_ostream & {
      switch (diag.getSeverity()) {
      case DiagnosticSeverity::Error:
        return llvm::WithColor::error(errs, kToolName);
      case DiagnosticSeverity::Warning:
        return llvm::WithColor::warning(errs, kToolName);
      case DiagnosticSeverity::Note:
        return llvm::WithColor::note(errs, kToolName);
      case DiagnosticSeverity::Remark:
        return llvm::WithColor::remark(errs, kToolName);
      }
      llvm_unreachable("unknown severity");
    }();
    Location loc = diag.getLocation();
    if (auto fileLoc = dyn_cast<FileLineColLoc>(loc)) {
      os << fileLoc.getFilename().getValue();
      if (fileLoc.getLine() != 0)
        os << ":" << fileLoc.getLine() << ":" << fileLoc.getColumn();
      os << ": ";
    } else if (!isa<UnknownLoc>(loc)) {
      os << loc << ": ";
    }
    os << diag.str() << "\n";
    for (Diagnostic &note : diag.getNotes())
      print(note);
  }

  llvm::raw_ostream &errs;
  ScopedDiagnosticHandler handler;
};

/// With --verbose, one line per long phase: what ran and how long it took.
class PhaseTimer {
public:
  PhaseTimer(bool enabled, llvm::raw_ostream &errs)
      : enabled(enabled), errs(errs) {}

  /// Announces `what` and starts its clock.
  void start(const llvm::Twine &what) {
    if (!enabled)
      return;
    current = what.str();
    errs << kToolName << ": " << current << " ...\n";
    begin = std::chrono::steady_clock::now();
  }
  /// Reports the time since the last start.
  void stop() {
    if (!enabled)
      return;
    std::chrono::duration<double> seconds =
        std::chrono::steady_clock::now() - begin;
    errs << llvm::formatv("{0}: {1}: {2:f2} s\n", kToolName, current,
                          seconds.count());
  }

private:
  bool enabled;
  llvm::raw_ostream &errs;
  std::string current;
  std::chrono::steady_clock::time_point begin;
};

} // namespace

static LogicalResult reportError(llvm::raw_ostream &errs,
                                 const llvm::Twine &message) {
  llvm::WithColor::error(errs, kToolName) << message << "\n";
  return failure();
}

/// Applies --mlir-print-ir-after-all, --mlir-timing and the other MLIR
/// pass-manager options when the caller registered them.
static LogicalResult applyCommandLine(PassManager &pm,
                                      const CompileOptions &options) {
  if (!options.applyMLIRCommandLineOptions)
    return success();
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  applyDefaultTimingPassManagerCLOptions(pm);
  return success();
}

/// Runs the CPU pipeline up to `stopAfter`. Options left unset are filled
/// from the target CPU and from `config`.
static LogicalResult runCPUPipeline(ModuleOp module, CPUPhase stopAfter,
                                    const CompileOptions &options,
                                    const ModelConfig &config) {
  PassManager pm(module->getName());
  if (failed(applyCommandLine(pm, options)))
    return failure();
  CPUPipelineOptions pipelineOptions = options.cpuPipeline;
  pipelineOptions.stopAfter = stopAfter;
  if (!pipelineOptions.vectorSize) {
    FailureOr<int64_t> lanes = preferredF32Lanes(module, options.target);
    if (failed(lanes))
      return failure();
    pipelineOptions.vectorSize = *lanes;
  }
  // Weights stored in bf16 lose nothing in a bf16 panel, and decode reads
  // half the bytes.
  if (!pipelineOptions.bf16Weights)
    pipelineOptions.bf16Weights = config.checkpointType == "bfloat16";
  populateCPUPipeline(pm, pipelineOptions);
  return pm.run(module);
}

/// The human name of the CPU `options` select, for progress lines.
static std::string cpuName(const CPUTargetOptions &options) {
  if (options.cpu.empty() || options.cpu == "native")
    return ("host CPU " + llvm::sys::getHostCPUName()).str();
  return options.cpu;
}

static std::string printModule(ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, OpPrintingFlags());
  return text;
}

/// Lowers an LLVM-dialect module to LLVM IR, assembly or an object.
static FailureOr<std::string> emitMachineOutput(ModuleOp module,
                                                const CompileOptions &options) {
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  LogicalResult result = failure();
  if (options.emit == EmitKind::Llvm)
    result = emitLLVMIR(module, options.target, os);
  else if (options.emit == EmitKind::Asm)
    result = emitAssembly(module, options.target, os);
  else
    result = emitObject(module, options.target, os);
  if (failed(result))
    return failure();
  return bytes;
}

LogicalResult mlir::attn::compile(const CompileOptions &options,
                                  MLIRContext &context,
                                  llvm::raw_ostream &errs) {
  if (options.stopAfter && options.emit != EmitKind::Mlir)
    return reportError(errs, "--compile-to prints MLIR; it cannot be "
                             "combined with an --emit other than mlir");
  if (options.targetKind == TargetKind::CUDA &&
      (options.emit == EmitKind::Asm || options.emit == EmitKind::Obj))
    return reportError(errs, "--target=cuda writes a library, its host LLVM "
                             "IR, its PTX, the manifest or the graph; "
                             "--emit=asm and --emit=obj are for the CPU");
  if (options.targetKind == TargetKind::CUDA && options.stopAfter)
    return reportError(errs, "--compile-to names CPU phases; for the CUDA "
                             "pipeline's phases use attn-opt "
                             "--attn-cuda-pipeline=stop-after=PHASE");
  if (options.targetKind == TargetKind::CPU && options.emit == EmitKind::Ptx)
    return reportError(errs, "--emit=ptx needs --target=cuda");
  if (options.emit == EmitKind::Library && options.outputPath == "-")
    return reportError(errs, "a model library cannot be written to stdout; "
                             "give -o a file name");

  DiagnosticPrinter diagnostics(context, errs);
  DialectRegistry registry;
  registerAllDialects(registry);
  context.appendDialectRegistry(registry);
  PhaseTimer timer(options.verbose, errs);

  llvm::Expected<ParsedConfig> parsed = parseModelConfigFile(options.inputPath);
  if (!parsed)
    return reportError(errs, llvm::toString(parsed.takeError()));
  for (const std::string &warning : parsed->warnings)
    llvm::WithColor::warning(errs, kToolName) << warning << "\n";
  Location loc = FileLineColLoc::get(&context, options.inputPath, 0, 0);
  OwningOpRef<ModuleOp> module = buildModelGraph(&context, parsed->config, loc);
  if (!module)
    return reportError(errs, "the graph built from " + options.inputPath +
                                 " does not verify (a bug in attnc's "
                                 "frontend)");

  std::string error;
  std::unique_ptr<PendingOutput> output =
      PendingOutput::reserve(options.outputPath, error);
  if (!output)
    return reportError(errs, error);

  std::string bytes;
  if (options.emit == EmitKind::Manifest) {
    bytes = buildManifestJson(*module);
    if (bytes.empty())
      return failure();
  } else if (options.emit == EmitKind::Mlir && !options.stopAfter) {
    // The pass-manager options apply to the (empty) frontend pipeline too,
    // so --mlir-print-ir-after-all behaves the same at every stop.
    PassManager pm(module->getOperation()->getName());
    if (failed(applyCommandLine(pm, options)) || failed(pm.run(*module)))
      return failure();
    bytes = printModule(*module);
  } else if (options.targetKind == TargetKind::CUDA) {
    // The CUDA target runs its own pipeline from the graph.
    timer.start("CUDA pipeline and code generation for " +
                describeCUDATarget(options.cuda));
    CUDATargetOptions cuda = options.cuda;
    cuda.bf16Checkpoint = parsed->config.checkpointType == "bfloat16";
    if (options.emit == EmitKind::Library) {
      if (failed(
              compileToCUDALibrary(*module, cuda, output->getTemporaryPath())))
        return failure();
    } else {
      llvm::raw_string_ostream os(bytes);
      if (failed(options.emit == EmitKind::Ptx
                     ? emitPTX(*module, cuda, os)
                     : emitCUDAHostLLVMIR(*module, cuda, os)))
        return failure();
    }
    timer.stop();
  } else {
    CPUPhase stopAfter = options.stopAfter.value_or(CPUPhase::LLVM);
    timer.start(
        ("CPU pipeline to the " + stringifyCPUPhase(stopAfter) + " phase")
            .str());
    if (failed(runCPUPipeline(*module, stopAfter, options, parsed->config)))
      return failure();
    timer.stop();
    if (options.emit == EmitKind::Mlir) {
      bytes = printModule(*module);
    } else if (options.emit == EmitKind::Library) {
      timer.start("LLVM -O" + llvm::Twine(options.target.optLevel) +
                  ", code generation for " + cpuName(options.target) +
                  " and linking " + options.outputPath);
      if (failed(compileToSharedLibrary(*module, options.target,
                                        output->getTemporaryPath())))
        return failure();
      timer.stop();
    } else {
      timer.start("LLVM -O" + llvm::Twine(options.target.optLevel) +
                  " and code generation for " + cpuName(options.target));
      FailureOr<std::string> machineOutput =
          emitMachineOutput(*module, options);
      if (failed(machineOutput))
        return failure();
      bytes = std::move(*machineOutput);
      timer.stop();
    }
  }

  if (options.emit != EmitKind::Library && failed(output->write(bytes, error)))
    return reportError(errs, error);
  if (failed(output->commit(error)))
    return reportError(errs, error);
  return success();
}
