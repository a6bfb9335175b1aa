//===- Json.cpp - Reading JSON with precise error messages ----------------===//

#include "Json.h"

namespace attn::tokenizer {

namespace {
/// Builds nothing; only remembers where and why parsing stopped.
class ErrorFinder : public nlohmann::json_sax<Json> {
public:
  size_t position = 0;
  std::string reason;

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
  bool parse_error(std::size_t pos, const std::string &,
                   const nlohmann::detail::exception &ex) override {
    position = pos;
    reason = ex.what();
    return false;
  }
};
} // namespace

bool parseJson(std::string_view text, const std::string &name, Json &out,
               std::string &error) {
  out = Json::parse(text.begin(), text.end(), nullptr,
                    /*allow_exceptions=*/false);
  if (!out.is_discarded())
    return true;
  ErrorFinder finder;
  Json::sax_parse(text.begin(), text.end(), &finder);
  // nlohmann's reason repeats "[json.exception.parse_error.101] parse error
  // at line 1, column 2:"; keep only what follows.
  std::string reason = finder.reason;
  if (size_t colon = reason.find(": "); colon != std::string::npos)
    reason = reason.substr(colon + 2);
  error = name + ": invalid JSON at byte " + std::to_string(finder.position) +
          ": " + reason;
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
