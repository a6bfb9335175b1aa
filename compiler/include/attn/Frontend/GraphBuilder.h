//===- GraphBuilder.h - ModelConfig to an attn module -----------*- C++ -*-===//
//
// Builds the graph that the rest of the compiler lowers: @prefill, @decode
// and @logits entry points over one @decoder_layer body shared by every
// layer, weights referenced by their Hugging Face names (docs/frontend.md
// shows the whole structure).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_FRONTEND_GRAPHBUILDER_H
#define ATTN_FRONTEND_GRAPHBUILDER_H

#include "attn/Frontend/ModelConfig.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir {
class MLIRContext;
namespace attn {

/// The module attribute holding the ABI version the module was built for.
constexpr llvm::StringLiteral kAbiVersionAttrName = "attn.abi_version";
/// The module attribute holding the validated config, defaults filled in.
constexpr llvm::StringLiteral kConfigAttrName = "attn.config";

/// The validated config as a dictionary with transformers' key names
/// (`rope_scaling` and `sliding_window` only when they are in effect).
DictionaryAttr buildConfigAttr(MLIRContext *context, const ModelConfig &config);

/// Builds and verifies the module for `config`. Loads the dialects it needs
/// into `context`. `loc` is attached to every op (typically the config file).
/// Returns null, after emitting the verifier's diagnostics, if the module
/// does not verify (which means the builder has a bug: a validated config
/// always gives valid IR).
OwningOpRef<ModuleOp> buildModelGraph(MLIRContext *context,
                                      const ModelConfig &config, Location loc);

} // namespace attn
} // namespace mlir

#endif // ATTN_FRONTEND_GRAPHBUILDER_H
