//===- PendingOutput.cpp - An output file that appears when complete ------===//

#include "PendingOutput.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::attn;

std::unique_ptr<PendingOutput> PendingOutput::reserve(StringRef path,
                                                      std::string &error) {
  if (path == "-")
    return std::unique_ptr<PendingOutput>(new PendingOutput(path, ""));
  if (llvm::sys::fs::is_directory(path)) {
    error = ("cannot write '" + path + "': it is a directory").str();
    return nullptr;
  }
  int fd = -1;
  llvm::SmallString<128> temporary;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(
          path + ".attnc-%%%%%%", fd, temporary)) {
    error = ("cannot write '" + path + "': " + ec.message()).str();
    return nullptr;
  }
  llvm::sys::fs::closeFile(fd);
  llvm::sys::RemoveFileOnSignal(temporary);
  return std::unique_ptr<PendingOutput>(new PendingOutput(path, temporary));
}

PendingOutput::~PendingOutput() {
  if (temporaryPath.empty())
    return;
  llvm::sys::fs::remove(temporaryPath);
  llvm::sys::DontRemoveFileOnSignal(temporaryPath);
}

LogicalResult PendingOutput::write(StringRef bytes, std::string &error) {
  if (isStdout()) {
    llvm::outs() << bytes;
    llvm::outs().flush();
    return success();
  }
  std::error_code ec;
  llvm::raw_fd_ostream os(temporaryPath, ec);
  if (!ec) {
    os << bytes;
    os.close();
    ec = os.error();
  }
  if (ec) {
    error = "cannot write '" + path + "': " + ec.message();
    os.clear_error();
    return failure();
  }
  return success();
}

LogicalResult PendingOutput::commit(std::string &error) {
  if (isStdout())
    return success();
  if (std::error_code ec = llvm::sys::fs::rename(temporaryPath, path)) {
    error = "cannot write '" + path + "': " + ec.message();
    return failure();
  }
  llvm::sys::DontRemoveFileOnSignal(temporaryPath);
  temporaryPath.clear();
  return success();
}
