//===- Json.cpp - Reading JSON with precise error messages ----------------===//

#include "Json.h"

namespace attn::tokenizer {

bool parseJson(std::string_view text, const std::string &name, Json &out,
               std::string &error) {
  support::JsonSyntaxError syntax;
  if (support::parseJson(text, out, syntax))
    return true;
  error = name + ": invalid JSON at byte " + std::to_string(syntax.offset + 1) +
          " (" + syntax.lineAndColumn() + "): " + syntax.reason;
  return false;
}

std::string quote(std::string_view text) {
  constexpr size_t Limit = 80;
  if (text.size() <= Limit)
    return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, Limit)) + "...'";
}

std::string describeJson(const Json &value) {
  switch (value.type()) {
  case Json::value_t::null:
    return "null";
  case Json::value_t::boolean:
    return value.get<bool>() ? "true" : "false";
  case Json::value_t::string:
    return "string " + quote(value.get_ref<const std::string &>());
  case Json::value_t::number_integer:
  case Json::value_t::number_unsigned:
  case Json::value_t::number_float:
    return "number " + value.dump();
  case Json::value_t::object:
    return "an object";
  case Json::value_t::array:
    return "an array";
  default:
    return "a " + std::string(value.type_name());
  }
}

} // namespace attn::tokenizer
