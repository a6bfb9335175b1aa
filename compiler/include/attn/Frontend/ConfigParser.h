//===- ConfigParser.h - config.json to ModelConfig --------------*- C++ -*-===//
//
// Reads a Hugging Face config.json of the Llama family. Every key that
// changes the math is honoured or rejected; keys that do not affect inference
// are accepted. Errors read `<file>: <key>: <what is wrong>`, or
// `<file>:<line>:<column>: invalid JSON: ...` for text that is not JSON.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_FRONTEND_CONFIGPARSER_H
#define ATTN_FRONTEND_CONFIGPARSER_H

#include "attn/Frontend/ModelConfig.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mlir {
namespace attn {

/// A config that parsed, and the notes about keys attnc did not recognise.
struct ParsedConfig {
  ModelConfig config;
  /// One line per key that attnc does not know (`<file>: <key>: ...`).
  /// Such keys are not part of any supported model family's math, but the
  /// user should hear that they were ignored.
  std::vector<std::string> warnings;
};

/// Parses the JSON `text` of a config. `fileName` only prefixes messages.
llvm::Expected<ParsedConfig> parseModelConfig(llvm::StringRef text,
                                              llvm::StringRef fileName);

/// Reads and parses the config at `path` (`-` reads stdin).
llvm::Expected<ParsedConfig> parseModelConfigFile(llvm::StringRef path);

} // namespace attn
} // namespace mlir

#endif // ATTN_FRONTEND_CONFIGPARSER_H
