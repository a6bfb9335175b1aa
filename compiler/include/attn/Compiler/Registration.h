//===- Registration.h - What attn tools register ----------------*- C++ -*-===//
//
// One place that says which dialects, extensions and passes the attn tools
// know, so that attn-opt and attnc accept the same IR.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_COMPILER_REGISTRATION_H
#define ATTN_COMPILER_REGISTRATION_H

namespace mlir {
class DialectRegistry;
namespace attn {

/// Adds the attn dialect and every upstream dialect and extension to
/// `registry`.
void registerAllDialects(DialectRegistry &registry);

/// Registers the upstream passes and the attn passes with the global pass
/// registry (for command-line pipelines).
void registerAllPasses();

} // namespace attn
} // namespace mlir

#endif // ATTN_COMPILER_REGISTRATION_H
