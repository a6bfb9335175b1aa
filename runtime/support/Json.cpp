//===- Json.cpp - Parsing JSON with positioned errors ---------------------===//
//
// To say where a text is invalid, it is parsed a second time through a SAX
// handler that keeps the byte offset of the error; line and column are
// computed from it here, so that messages do not depend on the library's
// wording of positions.
//
//===----------------------------------------------------------------------===//

#include "attn/Support/Json.h"

#include <algorithm>

namespace attn::support {

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
      this->position = position;
      reason = ex.what();
    }
    return false;
  }

  bool found = false;
  size_t position = 0;
  std::string reason;
};
} // namespace

/// Drops nlohmann's "[json.exception.parse_error.101] parse error at line L,
/// column C: " prefix, whose position the caller reports in its own format.
static std::string_view dropPrefix(std::string_view reason) {
  size_t colon = reason.find(": ");
  if (reason.substr(0, 15) == "[json.exception" &&
      colon != std::string_view::npos)
    reason.remove_prefix(colon + 2);
  return reason;
}

bool parseJson(std::string_view text, Json &out, JsonSyntaxError &error) {
  out = Json::parse(text.begin(), text.end(), nullptr,
                    /*allow_exceptions=*/false);
  if (!out.is_discarded())
    return true;

  ErrorLocator locator;
  Json::sax_parse(text.begin(), text.end(), &locator);
  // nlohmann counts the offending byte as read: the error sits just before
  // `position`.
  size_t offset = locator.position > 0 ? locator.position - 1 : 0;
  offset = std::min(offset, text.size());
  std::string_view before = text.substr(0, offset);
  size_t lineStart = before.rfind('\n');
  error.offset = offset;
  error.line = size_t(std::count(before.begin(), before.end(), '\n')) + 1;
  error.column =
      lineStart == std::string_view::npos ? offset + 1 : offset - lineStart;
  error.reason = locator.found ? escapeNonPrintable(dropPrefix(locator.reason))
                               : "not a JSON document";
  return false;
}

std::string JsonSyntaxError::lineAndColumn() const {
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string escapeNonPrintable(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string result;
  result.reserve(text.size());
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f) {
      result += char(c);
      continue;
    }
    result += "\\x";
    result += kHex[c >> 4];
    result += kHex[c & 15];
  }
  return result;
}

/// Long enough for any real key or value, short enough that a megabyte of
/// junk does not flood the terminal.
static constexpr size_t kMaxShownChars = 80;

std::string describeJson(const Json &value) {
  switch (value.type()) {
  case Json::value_t::object:
    return "an object";
  case Json::value_t::array:
    return "an array";
  case Json::value_t::discarded:
    return "nothing";
  default:
    break;
  }
  // Replacing invalid UTF-8 keeps dump() from aborting (it would throw, and
  // exceptions are off).
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > kMaxShownChars)
    text = text.substr(0, kMaxShownChars) + "...";
  return text;
}

} // namespace attn::support
