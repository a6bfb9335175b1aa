//===- ParseJson.cpp - JSON text to a document, with positioned errors ----===//
//
// The position and reason come from the parser the runtime shares
// (attn/Support/Json.h); this file words them in the compiler's
// `file:line:column:` format.
//
//===----------------------------------------------------------------------===//

#include "ParseJson.h"

#include "attn/Support/Json.h"

#include "llvm/ADT/Twine.h"

using namespace mlir;
using namespace mlir::attn;

llvm::Expected<Json> mlir::attn::parseJson(llvm::StringRef text,
                                           llvm::StringRef fileName) {
  Json document;
  ::attn::support::JsonSyntaxError error;
  if (::attn::support::parseJson(text, document, error))
    return document;
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (fileName + ":" + llvm::Twine(error.line) +
                                  ":" + llvm::Twine(error.column) +
                                  ": invalid JSON: " + error.reason)
                                     .str());
}
