//===- ParseJson.cpp - JSON text to a document, with positioned errors ----===//
//
// nlohmann's non-throwing parse only says that the text was invalid. To say
// where, the text is parsed a second time through a SAX handler that keeps
// the byte offset of the error; line and column are computed from it here so
// that the message does not depend on the library's wording of positions.
//
//===----------------------------------------------------------------------===//

#include "ParseJson.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Accepts every event and remembers the first parse error.
class ErrorLocator : public Json::json_sax_t {
public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t &) override { return true; }
  bool string(string_t &) override { return true; }
  bool binary(binary_t &) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t &) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string &,
                   const nlohmann::detail::exception &ex) override {
    if (!found) {
      found = true;
      offset = position;
      reason = ex.what();
    }
    return false;
  }

  bool found = false;
  size_t offset = 0;
  std::string reason;
};

} // namespace

/// Drops nlohmann's "[json.exception...] parse error at line L, column C: "
/// prefix, whose position the caller reports in its own format, and escapes
/// the bytes of the input that the reason quotes when they are not printable
/// ASCII, so that a binary file does not garble the terminal.
static std::string cleanReason(llvm::StringRef reason) {
  size_t colon = reason.find(": ");
  if (reason.starts_with("[json.exception") && colon != llvm::StringRef::npos)
    reason = reason.drop_front(colon + 2);
  std::string clean;
  llvm::raw_string_ostream os(clean);
  for (unsigned char c : reason) {
    if (llvm::isPrint(c))
      os << c;
    else
      os << "\\x" << llvm::hexdigit(c >> 4, /*LowerCase=*/true)
         << llvm::hexdigit(c & 15, /*LowerCase=*/true);
  }
  return clean;
}

llvm::Expected<Json> mlir::attn::parseJson(llvm::StringRef text,
                                           llvm::StringRef fileName) {
  Json document = Json::parse(text.begin(), text.end(), nullptr,
                              /*allow_exceptions=*/false);
  if (!document.is_discarded())
    return document;

  ErrorLocator locator;
  Json::sax_parse(text.begin(), text.end(), &locator);
  // nlohmann counts the offending byte as read: the error sits just before
  // `offset`.
  size_t errorAt = locator.offset > 0 ? locator.offset - 1 : 0;
  errorAt = std::min(errorAt, text.size());
  llvm::StringRef before = text.take_front(errorAt);
  size_t line = before.count('\n') + 1;
  size_t lineStart = before.rfind('\n');
  size_t column =
      lineStart == llvm::StringRef::npos ? errorAt + 1 : errorAt - lineStart;
  std::string reason = locator.found ? cleanReason(locator.reason)
                                     : std::string("not a JSON document");
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (fileName + ":" + llvm::Twine(line) + ":" +
                                  llvm::Twine(column) +
                                  ": invalid JSON: " + reason)
                                     .str());
}
