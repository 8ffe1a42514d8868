// The validator against small schemas whose verdicts follow from the JSON
// Schema specification; the python jsonschema cross-check over the real
// schemas is in cli_test.py.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report_error.hpp"
#include "schema_validator.hpp"

namespace rlkit::report {
namespace {

using nlohmann::json;

SchemaSet set_with(const json& schema) {
  SchemaSet set;
  set.add(schema, "test.schema.json");
  return set;
}

const json check_schema = json::parse(R"({
  "$id": "urn:test:check",
  "type": "object",
  "required": ["id", "verdict"],
  "additionalProperties": false,
  "properties": {
    "id": {"type": "string", "pattern": "^[a-z]+$"},
    "verdict": {"enum": ["pass", "fail", "skip"]},
    "reason": {"type": "string"},
    "count": {"type": "integer", "minimum": 0},
    "a/b": {"type": "null"}
  },
  "if": {"properties": {"verdict": {"const": "skip"}}, "required": ["verdict"]},
  "then": {"required": ["reason"]}
})");

TEST(SchemaValidator, AcceptsAValidDocument) {
  auto set = set_with(check_schema);
  EXPECT_TRUE(
      set.validate(json{{"id", "x"}, {"verdict", "pass"}, {"count", 2.0}},
                   "urn:test:check")
          .empty());
}

TEST(SchemaValidator, EnumViolationNamesPointerAndChoices) {
  auto set = set_with(check_schema);
  auto v = set.validate(json{{"id", "x"}, {"verdict", "ok"}}, "urn:test:check");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].pointer, "/verdict");
  EXPECT_EQ(v[0].message, "expected one of pass, fail, skip, got \"ok\"");
}

TEST(SchemaValidator, ReportsEveryViolation) {
  auto set = set_with(check_schema);
  auto v = set.validate(json{{"id", "X1"}, {"count", -1}, {"extra", true}},
                        "urn:test:check");
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].pointer, "");
  EXPECT_EQ(v[0].message, "missing required property \"verdict\"");
  EXPECT_EQ(v[1].pointer, "/count");
  EXPECT_EQ(v[2].pointer, "/extra");
  EXPECT_EQ(v[3].pointer, "/id");
}

TEST(SchemaValidator, IntegerRejectsFractionsAndBooleansAreNotNumbers) {
  auto set = set_with(check_schema);
  auto v = set.validate(json{{"id", "x"}, {"verdict", "pass"}, {"count", 1.5}},
                        "urn:test:check");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected an integer, got 1.5");
  v = set.validate(json{{"id", "x"}, {"verdict", "pass"}, {"count", true}},
                   "urn:test:check");
  ASSERT_EQ(v.size(), 1u);
}

TEST(SchemaValidator, IfThenAppliesOnlyWhenTheConditionHolds) {
  auto set = set_with(check_schema);
  auto v =
      set.validate(json{{"id", "x"}, {"verdict", "skip"}}, "urn:test:check");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "missing required property \"reason\"");
  EXPECT_TRUE(
      set.validate(json{{"id", "x"}, {"verdict", "fail"}}, "urn:test:check")
          .empty());
}

TEST(SchemaValidator, PointerTokensAreEscaped) {
  auto set = set_with(check_schema);
  auto v = set.validate(json{{"id", "x"}, {"verdict", "pass"}, {"a/b", 1}},
                        "urn:test:check");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].pointer, "/a~1b");
  EXPECT_EQ(pointer_token("~/"), "~0~1");
}

TEST(SchemaValidator, ReferencesAcrossSchemasAndAnyOfMessages) {
  SchemaSet set;
  set.add(json::parse(R"({"$id": "urn:test:item",
      "$defs": {"n": {"type": "integer", "minimum": 1}},
      "type": "object", "required": ["n"],
      "properties": {"n": {"$ref": "#/$defs/n"}}})"),
          "item");
  set.add(json::parse(R"({"$id": "urn:test:list", "type": "array",
      "items": {"anyOf": [{"type": "null"}, {"$ref": "urn:test:item"}]}})"),
          "list");
  EXPECT_TRUE(set.validate(json::parse(R"([null, {"n": 3}])"), "urn:test:list")
                  .empty());
  auto v = set.validate(json::parse(R"([{"n": 0}, "s"])"), "urn:test:list");
  ASSERT_EQ(v.size(), 2u);
  // The local reference inside urn:test:item resolves against that schema.
  EXPECT_EQ(v[0].pointer, "/0/n");
  EXPECT_EQ(v[0].message, "expected a number >= 1, got 0");
  EXPECT_EQ(v[1].pointer, "/1");
  EXPECT_EQ(v[1].message, "expected null or an object, got \"s\"");
}

TEST(SchemaValidator, RefusesKeywordsItDoesNotImplement) {
  SchemaSet set;
  EXPECT_THROW(set.add(json::parse(R"({"$id": "urn:x", "maxLength": 3})"), "x"),
               ReportError);
  EXPECT_THROW(set.add(json::parse(R"({"$id": "urn:x", "pattern": "("})"), "x"),
               ReportError);
}

TEST(SchemaValidator, UnknownReferenceIsAnError) {
  auto set = set_with(json::parse(R"({"$id": "urn:a", "$ref": "urn:b"})"));
  EXPECT_THROW(set.validate(json(1), "urn:a"), ReportError);
}

}  // namespace
}  // namespace rlkit::report
