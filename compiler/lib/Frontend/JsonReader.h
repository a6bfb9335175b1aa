//===- JsonReader.h - Typed, checked access to config JSON ------*- C++ -*-===//
//
// Reading a key of an untrusted JSON object takes a type check, a range check
// and an error that names the key and the value seen. JsonReader does all
// three and keeps the first error, so the config rules read as a list of
// keys instead of a ladder of early returns.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_FRONTEND_JSONREADER_H
#define ATTN_LIB_FRONTEND_JSONREADER_H

#include "attn/Support/Json.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir {
namespace attn {

using Json = ::attn::support::Json;
using ::attn::support::describeJson;

/// Whether a null value means "use the default" (`head_dim: null`) or is a
/// type error (`hidden_size: null`).
enum class NullIs { Error, Absent };

class JsonReader {
public:
  explicit JsonReader(llvm::StringRef fileName) : fileName(fileName.str()) {}

  /// Records `<file>: <path>: <message>` unless an error is already recorded.
  void fail(const llvm::Twine &path, const llvm::Twine &message);
  bool failed() const { return error.has_value(); }
  /// The first recorded error, or success.
  llvm::Error takeError();

  /// The value of `key` in `object`, or null when the key is absent or
  /// (with NullIs::Absent) null. `path` names the key in messages.
  const Json *find(const Json &object, llvm::StringRef key,
                   NullIs nullIs = NullIs::Error);

  /// An integer in [min, max]; std::nullopt when absent or on error.
  std::optional<int64_t> getInt(const Json &object, llvm::StringRef key,
                                const std::string &path, int64_t min,
                                int64_t max, NullIs nullIs = NullIs::Error);
  /// A finite number in (0, max]; std::nullopt when absent or on error.
  std::optional<double> getPositive(const Json &object, llvm::StringRef key,
                                    const std::string &path, double max,
                                    NullIs nullIs = NullIs::Error);
  std::optional<bool> getBool(const Json &object, llvm::StringRef key,
                              const std::string &path,
                              NullIs nullIs = NullIs::Error);
  std::optional<std::string> getString(const Json &object, llvm::StringRef key,
                                       const std::string &path,
                                       NullIs nullIs = NullIs::Error);

  /// Checks that `value` is of JSON kind `kind` ("an integer", ...).
  bool expectKind(const Json &value, bool ok, const std::string &path,
                  llvm::StringRef kind);

private:
  std::string fileName;
  std::optional<std::string> error;
};

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_FRONTEND_JSONREADER_H
