#pragma once

#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace rlkit::report {

// One place where a document breaks its schema.
struct Violation {
  std::string pointer;  // JSON pointer into the document; "" is the root
  std::string message;
  // Set when the violation is a plain type mismatch at `pointer`; lets
  // anyOf/oneOf say "expected null or an object" instead of guessing.
  std::string expected_type;
};

// A JSON Schema (draft 2020-12) validator for the keywords rlkit's schemas
// use and nothing more: type, properties, required, additionalProperties,
// items, enum, const, minimum, minLength, minItems, pattern, anyOf, oneOf,
// allOf, if/then/else and $ref (within a schema or to another schema's $id
// in the set, with an optional #/json/pointer). Annotations ($schema, $id,
// $comment, $defs, title, description) are accepted and ignored. A schema
// using any other keyword is refused when it is added, so that a rule can
// never be silently skipped.
class SchemaSet {
 public:
  // `origin` names the schema in error messages (usually its file).
  void add(nlohmann::json schema, const std::string& origin);

  bool contains(std::string_view id) const;

  // Every violation, in a deterministic order (schema keyword order, then
  // object keys sorted). Empty when the document is valid.
  std::vector<Violation> validate(const nlohmann::json& document,
                                  std::string_view schema_id) const;

 private:
  struct Entry {
    nlohmann::json schema;
    std::string origin;
  };
  class Run;

  void check_keywords(const nlohmann::json& schema, const std::string& origin,
                      const std::string& where);

  std::map<std::string, Entry, std::less<>> schemas_;
  std::map<std::string, std::regex, std::less<>> patterns_;
};

// Escapes one reference token of a JSON pointer (RFC 6901).
std::string pointer_token(std::string_view key);

}  // namespace rlkit::report
