//===- PendingOutput.h - An output file that appears when complete -*- C++ -*-//
//
// attnc's outputs take seconds to minutes to produce. The output's folder is
// proven writable before that work starts, by reserving a temporary file
// beside the output, and the result is renamed over the output only when it
// is complete, so that a failure (or Ctrl-C) never leaves a truncated library
// that the runtime would then try to load.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DRIVER_PENDINGOUTPUT_H
#define ATTN_DRIVER_PENDINGOUTPUT_H

#include "mlir/Support/LLVM.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace mlir {
namespace attn {

class PendingOutput {
public:
  /// Reserves `<path>.attnc-XXXXXX` beside `path`, or nothing for `-`
  /// (stdout). On failure returns null and sets `error`, naming the path.
  static std::unique_ptr<PendingOutput> reserve(StringRef path,
                                                std::string &error);
  /// Removes the temporary file unless it was committed.
  ~PendingOutput();

  bool isStdout() const { return temporaryPath.empty(); }
  /// The reserved file, which a linker may overwrite; empty for stdout.
  StringRef getTemporaryPath() const { return temporaryPath; }

  /// Writes `bytes` to the temporary file, or to stdout.
  LogicalResult write(StringRef bytes, std::string &error);
  /// Renames the temporary file over the output path.
  LogicalResult commit(std::string &error);

private:
  PendingOutput(StringRef path, StringRef temporaryPath)
      : path(path), temporaryPath(temporaryPath) {}

  std::string path;
  llvm::SmallString<128> temporaryPath;
};

} // namespace attn
} // namespace mlir

#endif // ATTN_DRIVER_PENDINGOUTPUT_H
