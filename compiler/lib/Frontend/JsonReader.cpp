//===- JsonReader.cpp - Typed, checked access to config JSON --------------===//

#include "JsonReader.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;

void JsonReader::fail(const llvm::Twine &path, const llvm::Twine &message) {
  if (error)
    return;
  error = (fileName + ": " + path + ": " + message).str();
}

llvm::Error JsonReader::takeError() {
  if (!error)
    return llvm::Error::success();
  std::string message = std::move(*error);
  error.reset();
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

const Json *JsonReader::find(const Json &object, llvm::StringRef key,
                             NullIs nullIs) {
  auto it = object.find(key.str());
  if (it == object.end())
    return nullptr;
  if (it->is_null() && nullIs == NullIs::Absent)
    return nullptr;
  return &*it;
}

bool JsonReader::expectKind(const Json &value, bool ok, const std::string &path,
                            llvm::StringRef kind) {
  if (!ok)
    fail(path, "expected " + kind + ", got " + describeJson(value));
  return ok;
}

/// The value of `key` when present and of the kind `isKind` accepts;
/// null when absent or on error (recorded in `reader`).
template <typename IsKind>
static const Json *findOfKind(JsonReader &reader, const Json &object,
                              llvm::StringRef key, const std::string &path,
                              NullIs nullIs, IsKind isKind,
                              llvm::StringRef kind) {
  const Json *value = reader.find(object, key, nullIs);
  if (!value || reader.failed() ||
      !reader.expectKind(*value, isKind(*value), path, kind))
    return nullptr;
  return value;
}

std::optional<int64_t> JsonReader::getInt(const Json &object,
                                          llvm::StringRef key,
                                          const std::string &path, int64_t min,
                                          int64_t max, NullIs nullIs) {
  const Json *value = findOfKind(
      *this, object, key, path, nullIs,
      [](const Json &v) { return v.is_number_integer(); }, "an integer");
  if (!value)
    return std::nullopt;
  // Unsigned values above INT64_MAX are out of every range we accept.
  if (value->is_number_unsigned() &&
      value->get<uint64_t>() >
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    fail(path, "value " + describeJson(*value) + " is larger than the limit " +
                   llvm::Twine(max));
    return std::nullopt;
  }
  int64_t result = value->get<int64_t>();
  if (result < min) {
    fail(path, (min == 1 ? "must be positive"
                         : "must be at least " + llvm::Twine(min)) +
                   llvm::Twine(", got ") + llvm::Twine(result));
    return std::nullopt;
  }
  if (result > max) {
    fail(path, "value " + llvm::Twine(result) + " is larger than the limit " +
                   llvm::Twine(max));
    return std::nullopt;
  }
  return result;
}

std::optional<double> JsonReader::getPositive(const Json &object,
                                              llvm::StringRef key,
                                              const std::string &path,
                                              double max, NullIs nullIs) {
  const Json *value = findOfKind(
      *this, object, key, path, nullIs,
      [](const Json &v) { return v.is_number(); }, "a number");
  if (!value)
    return std::nullopt;
  double result = value->get<double>();
  if (!std::isfinite(result) || !(result > 0.0) || result > max) {
    fail(path, "must be a positive number no larger than " +
                   describeJson(Json(max)) + ", got " + describeJson(*value));
    return std::nullopt;
  }
  return result;
}

std::optional<bool> JsonReader::getBool(const Json &object, llvm::StringRef key,
                                        const std::string &path,
                                        NullIs nullIs) {
  const Json *value = findOfKind(
      *this, object, key, path, nullIs,
      [](const Json &v) { return v.is_boolean(); }, "true or false");
  return value ? std::optional<bool>(value->get<bool>()) : std::nullopt;
}

std::optional<std::string> JsonReader::getString(const Json &object,
                                                 llvm::StringRef key,
                                                 const std::string &path,
                                                 NullIs nullIs) {
  const Json *value = findOfKind(
      *this, object, key, path, nullIs,
      [](const Json &v) { return v.is_string(); }, "a string");
  return value ? std::optional<std::string>(value->get<std::string>())
               : std::nullopt;
}
