//===- CompiledFunction.h - MLIR compiled and loaded -----------*- C++ -*-===//
//
// The benchmarks of parts of a model (attention, one matmul) are not model
// libraries attnc writes: they compile a small function on the fly through
// the CPU pipeline, with the pipeline options under test, into a temporary
// shared library and look up its C interface.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_COMPILEDFUNCTION_H
#define ATTN_TOOLS_ATTN_BENCH_COMPILEDFUNCTION_H

#include "attn/Pipelines/CPUPipeline.h"

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

  /// The loaded entry point, cast to the caller's signature.
  template <typename Fn> Fn get() const { return reinterpret_cast<Fn>(entry); }

private:
  void *handle = nullptr;
  void *entry = nullptr;
  std::string path;
};

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_COMPILEDFUNCTION_H
