//===- Passes.td - attn conversion passes ------------------*- tablegen -*-===//
//
// The passes that take the attn dialect down to upstream dialects and wrap the
// result in the model-library ABI (docs/abi.md).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_PASSES_TD
#define ATTN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertAttnToLinalgPass : Pass<"attn-convert-to-linalg"> {
  let summary = "Lower attn ops to linalg, tensor, arith, math and scf";
  let description = [{
    Rewrites every attn op except `attn.weight` into destination-style
    `linalg.generic` ops on tensors with dynamic shapes. Attention loops over
    query heads and materialises at most a `[seq, kv_seq]` score tile per
    head; RMSNorm and softmax accumulate in at least f32. `attn.weight` stays:
    it is bound to the weight table by `--attn-lower-weights`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def LowerWeightsPass : Pass<"attn-lower-weights", "::mlir::ModuleOp"> {
  let summary = "Read attn.weight tensors from the weight table";
  let description = [{
    Gives every function that reads a weight (directly or through a call) a
    leading `!llvm.ptr` argument, the weight table of docs/abi.md, and
    replaces each `attn.weight` with a load of its pointer from the table slot
    that the manifest order assigns (per-layer weights: first slot plus the
    layer index), viewed as a read-only tensor.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect"
  ];
}

def GenerateABIPass : Pass<"attn-generate-abi", "::mlir::ModuleOp"> {
  let summary = "Add the exported C entry points of the model-library ABI";
  let description = [{
    Adds `attn_abi_version`, `attn_manifest` (the module's `attn.manifest`
    JSON as a global string), `attn_prefill` and `attn_logits`, which unpack
    an `attn_call` and call `@prefill` and `@logits`. The KV caches are viewed
    as writable tensors so that bufferization updates them in place; the
    other functions become private. Modules without `attn.abi_version` are
    left alone.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect"
  ];
}

def LowerStridedCopiesPass : Pass<"attn-lower-strided-copies"> {
  let summary = "Turn memref.copy between strided buffers into linalg.copy";
  let description = [{
    The LLVM lowering of a `memref.copy` whose operands are not contiguous
    calls `memrefCopy` from MLIR's C runner library, which a model library
    must not depend on. As `linalg.copy` the copy becomes a loop nest like
    every other linalg op. Copies between contiguous buffers stay (they
    become `memcpy`).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // ATTN_CONVERSION_PASSES_TD
