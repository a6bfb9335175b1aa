//===- Status.h - Error results of the runtime's C++ layer ------*- C++ -*-===//
//
// The runtime builds without exceptions; every fallible function returns a
// Status that carries the C API's code and a message naming what was wrong.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_STATUS_H
#define ATTN_RUNTIME_STATUS_H

#include "attn/runtime.h"

#include <string>
#include <utility>

namespace attn::rt {

/// The outcome of a fallible runtime operation: ATTN_OK, or an error code
/// with a message for attn_error_message().
class [[nodiscard]] Status {
public:
  static Status success() { return Status(); }
  static Status error(attn_status code, std::string message) {
    Status s;
    s.code_ = code;
    s.message_ = std::move(message);
    return s;
  }

  bool ok() const { return code_ == ATTN_OK; }
  attn_status code() const { return code_; }
  const std::string &message() const { return message_; }

private:
  attn_status code_ = ATTN_OK;
  std::string message_;
};

/// Returns from the enclosing function when `expr` yields an error.
#define ATTN_RETURN_IF_ERROR(expr)                                             \
  do {                                                                         \
    ::attn::rt::Status attnStatus_ = (expr);                                   \
    if (!attnStatus_.ok())                                                     \
      return attnStatus_;                                                      \
  } while (false)

} // namespace attn::rt

#endif // ATTN_RUNTIME_STATUS_H
