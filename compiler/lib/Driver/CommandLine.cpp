//===- CommandLine.cpp - attnc's command line -----------------------------===//

#include "attn/Driver/Driver.h"
#include "attn/GPU/CUDAPipeline.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Where --compile-to stops: after the frontend, or after a CPU phase.
struct StopPoint {
  std::optional<CPUPhase> phase;
};

} // namespace

/// The stop point named `name`, or none after printing an error.
static std::optional<StopPoint> parseStopPoint(llvm::StringRef name) {
  if (name == "frontend")
    return StopPoint{std::nullopt};
  if (std::optional<CPUPhase> phase = parseCPUPhase(name))
    return StopPoint{phase};
  llvm::WithColor::error(llvm::errs(), "attnc")
      << "--compile-to: unknown phase '" << name
      << "' (expected frontend, linalg, abi, bufferized, loops or llvm)\n";
  return std::nullopt;
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
          clEnumValN(EmitKind::Mlir, "mlir",
                     "the attn graph as MLIR text (or the IR after the "
                     "--compile-to phase)"),
          clEnumValN(EmitKind::Manifest, "manifest",
                     "the manifest JSON (config echo, ABI version, weights)"),
          clEnumValN(EmitKind::Llvm, "llvm", "the optimised LLVM IR"),
          clEnumValN(EmitKind::Asm, "asm", "assembly for the chosen CPU"),
          clEnumValN(EmitKind::Obj, "obj", "a relocatable object"),
          clEnumValN(EmitKind::Ptx, "ptx",
                     "the PTX of the kernels (--target=cuda)"),
          clEnumValN(EmitKind::Library, "library",
                     "a model library for the runtime (default)")),
      llvm::cl::init(EmitKind::Library), llvm::cl::cat(category));
  llvm::cl::opt<std::string> compileTo(
      "compile-to",
      llvm::cl::desc("Stop after a phase and print the IR: frontend, linalg, "
                     "abi, bufferized, loops or llvm"),
      llvm::cl::value_desc("phase"), llvm::cl::cat(category));
  llvm::cl::opt<TargetKind> target(
      "target", llvm::cl::desc("The machine the library runs on"),
      llvm::cl::values(
          clEnumValN(TargetKind::CPU, "cpu", "this CPU or --mcpu (default)"),
          clEnumValN(TargetKind::CUDA, "cuda",
                     "an NVIDIA GPU of --cuda-arch (kernels as PTX, and as a "
                     "cubin where ptxas is found)")),
      llvm::cl::init(TargetKind::CPU), llvm::cl::cat(category));
  llvm::cl::opt<std::string> cudaArch(
      "cuda-arch",
      llvm::cl::desc("GPU architecture for --target=cuda: sm_80, sm_86, "
                     "sm_89 or sm_90 (default sm_90)"),
      llvm::cl::value_desc("sm_XX"), llvm::cl::init("sm_90"),
      llvm::cl::cat(category));
  llvm::cl::opt<std::string> mcpu(
      "mcpu",
      llvm::cl::desc("CPU to generate code for (default: the host's; 'llc "
                     "-mcpu=help' lists them)"),
      llvm::cl::value_desc("cpu"), llvm::cl::cat(category));
  llvm::cl::opt<std::string> mattr(
      "mattr",
      llvm::cl::desc("Extra target features, LLVM spelling (+avx2,-fma)"),
      llvm::cl::value_desc("features"), llvm::cl::cat(category));
  llvm::cl::opt<unsigned> optLevel(
      "O", llvm::cl::desc("LLVM optimisation level 0-3 (default 3)"),
      llvm::cl::Prefix, llvm::cl::init(3), llvm::cl::cat(category));
  llvm::cl::opt<std::string> linker(
      "linker",
      llvm::cl::desc("The ld.lld to link the library with (default: next to "
                     "the LLVM tools, then on PATH)"),
      llvm::cl::value_desc("path"), llvm::cl::cat(category));
  llvm::cl::opt<std::string> pipelineOptions(
      "pipeline-options",
      llvm::cl::desc("Settings of the pipeline's passes, as attn-opt "
                     "--attn-cpu-pipeline (or --attn-cuda-pipeline with "
                     "--target=cuda) takes them, e.g. \"fuse-projections=false "
                     "split-kv=false\" (to measure what a pass gives; "
                     "docs/backend-cpu.md, docs/backend-cuda.md)"),
      llvm::cl::value_desc("options"), llvm::cl::cat(category));
  llvm::cl::opt<bool> verbose(
      "verbose", llvm::cl::desc("Print each long phase and its time on stderr"),
      llvm::cl::cat(category));
  llvm::cl::alias verboseAlias("v", llvm::cl::desc("Alias for --verbose"),
                               llvm::cl::aliasopt(verbose),
                               llvm::cl::cat(category));

  // The LLVM backends and MLIR register hundreds of options of their own;
  // --help lists attnc's, --help-hidden all of them (--mlir-timing,
  // --mlir-print-ir-after-all, ... still work).
  llvm::cl::HideUnrelatedOptions(category);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "attnc: compiles a Hugging Face config.json of the Llama family "
      "(llama, mistral, qwen2) into a model library\n\n"
      "  MLIR's and LLVM's debugging options (--mlir-timing, "
      "--mlir-print-ir-after-all, ...): see --help-hidden\n");

  CompileOptions options;
  options.inputPath = input;
  options.emit = emit;
  if (compileTo.getNumOccurrences()) {
    std::optional<StopPoint> stop = parseStopPoint(compileTo);
    if (!stop)
      return 1;
    if (emit.getNumOccurrences() && emit != EmitKind::Mlir) {
      llvm::WithColor::error(llvm::errs(), "attnc")
          << "--compile-to prints MLIR; it cannot be combined with an "
             "--emit other than mlir\n";
      return 1;
    }
    options.emit = EmitKind::Mlir;
    options.stopAfter = stop->phase;
  }
  if (optLevel > 3) {
    llvm::WithColor::error(llvm::errs(), "attnc")
        << "-O" << optLevel << ": the optimisation level is 0, 1, 2 or 3\n";
    return 1;
  }
  if (pipelineOptions.getNumOccurrences()) {
    auto fail = [](const llvm::Twine &message) {
      llvm::WithColor::error(llvm::errs(), "attnc")
          << "--pipeline-options: " << message << "\n";
      return failure();
    };
    if (target == TargetKind::CUDA) {
      // Checked here so that a typo fails before the compile starts.
      CUDAPipelineOptions cudaPipeline;
      if (failed(parseCUDAPipelineOptions(pipelineOptions, cudaPipeline, fail)))
        return 1;
      for (llvm::StringRef key : {"stop-after", "cuda-arch", "format"})
        if (llvm::StringRef(pipelineOptions).contains((key + "=").str())) {
          (void)fail(key + " is not a pass setting: attnc takes it from "
                           "--cuda-arch, --emit and the toolkit it finds");
          return 1;
        }
      options.cuda.pipelineOptions = pipelineOptions;
    } else {
      if (failed(parseCPUPipelineOptions(pipelineOptions, options.cpuPipeline,
                                         fail)))
        return 1;
      if (options.cpuPipeline.stopAfter != CPUPhase::LLVM) {
        (void)fail("stop-after is --compile-to's job in attnc");
        return 1;
      }
    }
  }
  options.outputPath = output.empty() ? defaultOutputPath(options.emit).str()
                                      : output.getValue();
  options.target.cpu = mcpu;
  options.target.features = mattr;
  options.target.optLevel = optLevel;
  options.target.linkerPath = linker;
  options.targetKind = target;
  options.cuda.arch = cudaArch;
  options.cuda.optLevel = optLevel;
  options.cuda.linkerPath = linker;
  options.verbose = verbose;
  options.applyMLIRCommandLineOptions = true;

  MLIRContext context;
  return succeeded(compile(options, context, llvm::errs())) ? 0 : 1;
}
