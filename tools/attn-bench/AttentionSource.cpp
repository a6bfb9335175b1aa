//===- AttentionSource.cpp - The lone attention as MLIR -------------------===//

#include "AttentionSource.h"

#include <cmath>
#include <cstdio>

namespace attn::bench {

namespace {

struct Types {
  /// q and out; k and v.
  std::string q, kv;
};

Types typesOf(const AttentionOptions &options, const char *kind) {
  std::string d = std::to_string(options.headDim);
  return {std::string(kind) + "<?x" + std::to_string(options.heads) + "x" + d +
              "xf32>",
          std::string(kind) + "<?x" + std::to_string(options.kvHeads) + "x" +
              d + "xf32>"};
}

/// `%o = attn.attention %q, %k, %v ...` on tensors of `t`.
std::string attentionOp(const AttentionOptions &options, const Types &t) {
  char scale[64];
  std::snprintf(scale, sizeof(scale), "%.17g",
                1 / std::sqrt(double(options.headDim)));
  return "  %o = attn.attention %q, %k, %v {scale = " + std::string(scale) +
         " : f64, causal} : " + t.q + ", " + t.kv + ", " + t.kv + " -> " + t.q +
         "\n";
}

} // namespace

std::string attentionSource(const AttentionOptions &options) {
  Types t = typesOf(options, "tensor");
  return "func.func @attention(%q: " + t.q + ", %k: " + t.kv + ", %v: " + t.kv +
         ") -> " + t.q + " attributes {llvm.emit_c_interface} {\n" +
         attentionOp(options, t) + "  return %o : " + t.q + "\n}\n";
}

std::string cudaAttentionSource(const AttentionOptions &options) {
  Types t = typesOf(options, "tensor"), m = typesOf(options, "memref");
  auto toTensor = [](const char *name, const std::string &memref,
                     const std::string &tensor) {
    return std::string("  %") + name + " = bufferization.to_tensor %" + name +
           "m restrict : " + memref + " to " + tensor + "\n";
  };
  return "func.func @attention(%qm: " + m.q + ", %km: " + m.kv +
         ", %vm: " + m.kv + ", %om: " + m.q +
         ") -> i32 attributes {llvm.emit_c_interface} {\n" +
         toTensor("q", m.q, t.q) + toTensor("k", m.kv, t.kv) +
         toTensor("v", m.kv, t.kv) + attentionOp(options, t) +
         "  bufferization.materialize_in_destination %o in restrict writable "
         "%om : (" +
         t.q + ", " + m.q +
         ") -> ()\n"
         "  %status = func.call @attn_cuda_take_error() : () -> i32\n"
         "  return %status : i32\n}\n"
         "func.func private @attn_cuda_take_error() -> i32\n";
}

} // namespace attn::bench
