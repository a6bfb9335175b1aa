//===- CompiledFunction.h - MLIR compiled and loaded -----------*- C++ -*-===//
//
// The benchmarks of parts of a model (attention, one matmul) are not model
// libraries attnc writes: they compile a small function on the fly through
// the CPU pipeline, with the pipeline options under test, or through the
// CUDA pipeline, into a temporary shared library and look up its C
// interface.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_COMPILEDFUNCTION_H
#define ATTN_TOOLS_ATTN_BENCH_COMPILEDFUNCTION_H

#include "attn/GPU/CUDATarget.h"
#include "attn/Pipelines/CPUPipeline.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace attn::bench {

/// A function compiled into a temporary library, unloaded and removed on
/// destruction.
class CompiledFunction {
public:
  CompiledFunction() = default;
  CompiledFunction(const CompiledFunction &) = delete;
  CompiledFunction &operator=(const CompiledFunction &) = delete;
  ~CompiledFunction();

  /// Parses `source` (MLIR with one `func.func @name` carrying
  /// `llvm.emit_c_interface`), runs the CPU pipeline with `pipeline` on it,
  /// links it and loads `_mlir_ciface_<name>`. False with `error` set on
  /// any failure.
  bool compile(const std::string &source, const std::string &name,
               const mlir::attn::CPUPipelineOptions &pipeline,
               std::string &error);

  /// As compile, through the CUDA pipeline for `target` (host code,
  /// embedded kernels and the launch functions, as compileToCUDALibrary
  /// links a model). Loading the library loads its kernels through the
  /// driver where there is one; without one it still loads, and its calls
  /// return the driver's error.
  bool compileForCUDA(const std::string &source, const std::string &name,
                      const mlir::attn::CUDATargetOptions &target,
                      std::string &error);

  /// The loaded entry point, cast to the caller's signature.
  template <typename Fn> Fn get() const { return reinterpret_cast<Fn>(entry); }

private:
  /// Parses `source`, creates the library file and lets `link` write it
  /// there, then loads `name`'s C interface from it.
  bool build(const std::string &source, const std::string &name,
             llvm::function_ref<bool(mlir::ModuleOp)> link, std::string &error);

  void *handle = nullptr;
  void *entry = nullptr;
  std::string path;
};

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_COMPILEDFUNCTION_H
