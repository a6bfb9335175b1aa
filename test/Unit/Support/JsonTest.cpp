//===- JsonTest.cpp - The shared JSON parser's positioned errors ----------===//
//
// The config, tokenizer, manifest and safetensors readers all report syntax
// errors through attn::support::parseJson; their own tests check their
// wording, these the position and the reason they all rely on.
//
//===----------------------------------------------------------------------===//

#include "attn/Support/Json.h"

#include <gtest/gtest.h>

using namespace attn::support;

namespace {

/// The error of parsing `text`, which must fail.
JsonSyntaxError errorOf(std::string_view text) {
  Json out;
  JsonSyntaxError error;
  EXPECT_FALSE(parseJson(text, out, error)) << text;
  EXPECT_TRUE(out.is_discarded());
  return error;
}

TEST(ParseJson, ParsesValidText) {
  Json out;
  JsonSyntaxError error;
  ASSERT_TRUE(parseJson("{\"a\": [1, 2.5, \"x\"]}", out, error));
  EXPECT_EQ(out["a"][1].get<double>(), 2.5);
  // Not null-terminated: only the view is read.
  std::string_view prefix("[7]garbage", 3);
  ASSERT_TRUE(parseJson(prefix, out, error));
  EXPECT_EQ(out[0].get<int>(), 7);
}

TEST(ParseJson, PositionOfTheOffendingByte) {
  // The `}` is byte 19 (0-based) of line 1.
  JsonSyntaxError error = errorOf("{\"model\": {\"type\": }");
  EXPECT_EQ(error.offset, 19u);
  EXPECT_EQ(error.line, 1u);
  EXPECT_EQ(error.column, 20u);
  EXPECT_EQ(error.lineAndColumn(), "line 1, column 20");
  EXPECT_EQ(error.reason, "syntax error while parsing value - unexpected '}'; "
                          "expected '[', '{', or a literal");
}

TEST(ParseJson, LinesAndColumns) {
  // Columns restart after each newline; the `x` is column 18 of line 3.
  JsonSyntaxError error = errorOf("{\n  \"a\": 1,\n  \"hidden_size\": x\n}");
  EXPECT_EQ(error.line, 3u);
  EXPECT_EQ(error.column, 18u);
  EXPECT_EQ(error.offset, 29u);
  EXPECT_NE(error.reason.find("invalid literal"), std::string::npos)
      << error.reason;
}

TEST(ParseJson, EndOfInput) {
  JsonSyntaxError error = errorOf("");
  EXPECT_EQ(error.offset, 0u);
  EXPECT_EQ(error.line, 1u);
  EXPECT_EQ(error.column, 1u);
  EXPECT_NE(error.reason.find("unexpected end of input"), std::string::npos)
      << error.reason;

  // A text cut short: the position is just past its end.
  error = errorOf("[1,\n2,");
  EXPECT_EQ(error.offset, 6u);
  EXPECT_EQ(error.line, 2u);
  EXPECT_EQ(error.column, 3u);
}

TEST(ParseJson, ReasonHasNoPrefixAndNoRawBytes) {
  JsonSyntaxError error = errorOf("[\"ll\xff\"]");
  EXPECT_EQ(error.reason.find("[json.exception"), std::string::npos)
      << error.reason;
  EXPECT_EQ(error.reason.find("parse error at"), std::string::npos)
      << error.reason;
  EXPECT_NE(error.reason.find("ill-formed UTF-8 byte; last read: "
                              "'\"ll\\xff'"),
            std::string::npos)
      << error.reason;
  for (char c : errorOf("[\x01]").reason)
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << int(c);
}

TEST(EscapeNonPrintable, EscapesControlAndHighBytes) {
  EXPECT_EQ(escapeNonPrintable("plain text ~"), "plain text ~");
  EXPECT_EQ(escapeNonPrintable(std::string_view("a\0b\n\x7f\xc3", 6)),
            "a\\x00b\\x0a\\x7f\\xc3");
}

TEST(DescribeJson, ScalarsAsTextContainersByKind) {
  EXPECT_EQ(describeJson(Json(3)), "3");
  EXPECT_EQ(describeJson(Json(-2.5)), "-2.5");
  EXPECT_EQ(describeJson(Json("abc")), "\"abc\"");
  EXPECT_EQ(describeJson(Json(nullptr)), "null");
  EXPECT_EQ(describeJson(Json(true)), "true");
  EXPECT_EQ(describeJson(Json::array({1, 2})), "an array");
  EXPECT_EQ(describeJson(Json::object()), "an object");
  EXPECT_EQ(describeJson(Json(Json::value_t::discarded)), "nothing");
}

TEST(DescribeJson, CutsLongValuesShort) {
  std::string shown = describeJson(Json(std::string(1000, 'x')));
  EXPECT_EQ(shown, "\"" + std::string(79, 'x') + "...");
}

TEST(DescribeJson, InvalidUtf8DoesNotAbort) {
  // dump() would throw on invalid UTF-8, and exceptions are off.
  std::string shown = describeJson(Json(std::string("a\xff")));
  EXPECT_EQ(shown.substr(0, 2), "\"a");
}

} // namespace
