//===- CompiledFunction.h - MLIR compiled and loaded -----------*- C++ -*-===//
//
// The benchmarks of parts of a model (attention, one matmul) and the tests
// of the CUDA kernels on the CPU emulator are not model libraries attnc
// writes: they compile a small function on the fly through the CPU
// pipeline, with the pipeline options under test, or through the CUDA
// pipeline, into a temporary shared library and look up its C interface.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DRIVER_COMPILEDFUNCTION_H
#define ATTN_DRIVER_COMPILEDFUNCTION_H

#include "attn/GPU/CUDATarget.h"
#include "attn/Pipelines/CPUPipeline.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace mlir {
namespace attn {

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
               const CPUPipelineOptions &pipeline, std::string &error);

  /// As compile, through the CUDA pipeline for `target` (host code,
  /// embedded kernels and the launch functions, as compileToCUDALibrary
  /// links a model). Loading the library loads its kernels through the
  /// driver where there is one; without one it still loads, and its calls
  /// return the driver's error.
  bool compileForCUDA(const std::string &source, const std::string &name,
                      const CUDATargetOptions &target, std::string &error);

  /// The general form: parses `source`, creates the library file, lets
  /// `link(module, path)` write the library there, calls `beforeLoad`, then
  /// loads `name`'s C interface from it.
  bool compileWith(const std::string &source, const std::string &name,
                   function_ref<bool(ModuleOp, StringRef)> link,
                   function_ref<void()> beforeLoad, std::string &error);

  /// The loaded entry point, cast to the caller's signature.
  template <typename Fn> Fn get() const { return reinterpret_cast<Fn>(entry); }

private:
  void *handle = nullptr;
  void *entry = nullptr;
  std::string path;
};

} // namespace attn
} // namespace mlir

#endif // ATTN_DRIVER_COMPILEDFUNCTION_H
