//===- ParseJson.h - JSON text with positioned errors -----------*- C++ -*-===//

#ifndef ATTN_LIB_FRONTEND_PARSEJSON_H
#define ATTN_LIB_FRONTEND_PARSEJSON_H

#include "JsonReader.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace mlir {
namespace attn {

/// Parses `text` as one JSON document. Invalid text gives
/// `<fileName>:<line>:<column>: invalid JSON: <reason>`, the position being
/// where the parser gave up (1-based, columns counted in bytes).
llvm::Expected<Json> parseJson(llvm::StringRef text, llvm::StringRef fileName);

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_FRONTEND_PARSEJSON_H
