#include "schema_validator.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "report_error.hpp"

namespace rlkit::report {
namespace {

using nlohmann::json;

const std::set<std::string, std::less<>> annotation_keywords = {
    "$schema", "$id", "$comment", "$defs", "title", "description"};
const std::set<std::string, std::less<>> assertion_keywords = {
    "type",      "properties", "required", "additionalProperties",
    "items",     "enum",       "const",    "minimum",
    "minLength", "minItems",   "pattern",  "anyOf",
    "oneOf",     "allOf",      "if",       "then",
    "else",      "$ref"};

bool is_integer(const json& value) {
  if (value.is_number_integer()) return true;
  // JSON Schema counts 2.0 as an integer; so does python's jsonschema.
  if (value.is_number_float()) {
    double d = value.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
  }
  return false;
}

bool has_type(const json& value, std::string_view type) {
  if (type == "null") return value.is_null();
  if (type == "boolean") return value.is_boolean();
  if (type == "integer") return is_integer(value);
  if (type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  return false;
}

std::string type_phrase(std::string_view type) {
  if (type == "null") return "null";
  if (type == "integer") return "an integer";
  if (type == "array") return "an array";
  if (type == "object") return "an object";
  return "a " + std::string(type);
}

std::string join(const std::vector<std::string>& parts,
                 std::string_view last_separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += (i + 1 == parts.size()) ? last_separator : ", ";
    out += parts[i];
  }
  return out;
}

// A short rendering of an offending value for messages.
std::string shown(const json& value) {
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

std::string shown_enum_value(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// The state of one validate() call: which schema document a local "#/..."
// reference currently resolves against.
class SchemaSet::Run {
 public:
  explicit Run(const SchemaSet& set) : set_(set) {}

  void check(const json& value, const json& schema, const json& root,
             const std::string& pointer, std::vector<Violation>& out) const;

 private:
  const json& resolve(const std::string& ref, const json& root,
                      const json*& new_root) const;
  void check_any(const json& value, const json& branches, const json& root,
                 const std::string& pointer, bool exactly_one,
                 std::vector<Violation>& out) const;
  void check_object(const json& value, const json& schema, const json& root,
                    const std::string& pointer,
                    std::vector<Violation>& out) const;

  const SchemaSet& set_;
};

const json& SchemaSet::Run::resolve(const std::string& ref, const json& root,
                                    const json*& new_root) const {
  auto hash = ref.find('#');
  std::string id = ref.substr(0, hash);
  std::string fragment = hash == std::string::npos ? "" : ref.substr(hash + 1);
  new_root = &root;
  if (!id.empty()) {
    auto it = set_.schemas_.find(id);
    if (it == set_.schemas_.end()) {
      throw ReportError("schema reference " + ref +
                        ": no loaded schema has that $id");
    }
    new_root = &it->second.schema;
  }
  try {
    return new_root->at(json::json_pointer(fragment));
  } catch (const json::exception&) {
    throw ReportError("schema reference " + ref + ": no such place");
  }
}

void SchemaSet::Run::check(const json& value, const json& schema,
                           const json& root, const std::string& pointer,
                           std::vector<Violation>& out) const {
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) out.push_back({pointer, "not allowed here", ""});
    return;
  }
  if (auto it = schema.find("$ref"); it != schema.end()) {
    const json* ref_root = nullptr;
    const json& target = resolve(it->get<std::string>(), root, ref_root);
    check(value, target, *ref_root, pointer, out);
  }
  if (auto it = schema.find("type"); it != schema.end()) {
    std::vector<std::string> types;
    if (it->is_string()) {
      types.push_back(it->get<std::string>());
    } else {
      for (const auto& t : *it) types.push_back(t.get<std::string>());
    }
    bool ok = std::any_of(types.begin(), types.end(),
                          [&](const auto& t) { return has_type(value, t); });
    if (!ok) {
      std::vector<std::string> phrases;
      for (const auto& t : types) phrases.push_back(type_phrase(t));
      std::string expected = join(phrases, " or ");
      out.push_back({pointer, "expected " + expected + ", got " + shown(value),
                     expected});
      // Further keywords would only restate the type mismatch.
      return;
    }
  }
  if (auto it = schema.find("const"); it != schema.end() && value != *it) {
    out.push_back(
        {pointer, "expected " + it->dump() + ", got " + shown(value), ""});
  }
  if (auto it = schema.find("enum"); it != schema.end()) {
    if (std::find(it->begin(), it->end(), value) == it->end()) {
      std::vector<std::string> names;
      for (const auto& v : *it) names.push_back(shown_enum_value(v));
      out.push_back(
          {pointer,
           "expected one of " + join(names, ", ") + ", got " + shown(value),
           ""});
    }
  }
  if (auto it = schema.find("minimum"); it != schema.end()) {
    if (value.is_number() && value.get<double>() < it->get<double>()) {
      out.push_back(
          {pointer,
           "expected a number >= " + it->dump() + ", got " + shown(value), ""});
    }
  }
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (auto it = schema.find("minLength"); it != schema.end()) {
      // JSON Schema counts code points, not bytes.
      auto code_points = std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      });
      if (code_points < it->get<long long>()) {
        out.push_back({pointer,
                       "expected a string of at least " + it->dump() +
                           " character(s), got " + shown(value),
                       ""});
      }
    }
    if (auto it = schema.find("pattern"); it != schema.end()) {
      const auto& source = it->get_ref<const std::string&>();
      if (!std::regex_search(text, set_.patterns_.at(source))) {
        out.push_back(
            {pointer,
             "expected a string matching " + source + ", got " + shown(value),
             ""});
      }
    }
  }
  if (value.is_array()) {
    if (auto it = schema.find("minItems"); it != schema.end()) {
      if (value.size() < it->get<std::size_t>()) {
        out.push_back({pointer,
                       "expected at least " + it->dump() + " item(s), got " +
                           std::to_string(value.size()),
                       ""});
      }
    }
    if (auto it = schema.find("items"); it != schema.end()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        check(value[i], *it, root, pointer + "/" + std::to_string(i), out);
      }
    }
  }
  if (value.is_object()) check_object(value, schema, root, pointer, out);
  if (auto it = schema.find("allOf"); it != schema.end()) {
    for (const auto& branch : *it) check(value, branch, root, pointer, out);
  }
  if (auto it = schema.find("anyOf"); it != schema.end()) {
    check_any(value, *it, root, pointer, false, out);
  }
  if (auto it = schema.find("oneOf"); it != schema.end()) {
    check_any(value, *it, root, pointer, true, out);
  }
  if (auto it = schema.find("if"); it != schema.end()) {
    std::vector<Violation> scratch;
    check(value, *it, root, pointer, scratch);
    const char* branch = scratch.empty() ? "then" : "else";
    if (auto b = schema.find(branch); b != schema.end()) {
      check(value, *b, root, pointer, out);
    }
  }
}

void SchemaSet::Run::check_object(const json& value, const json& schema,
                                  const json& root, const std::string& pointer,
                                  std::vector<Violation>& out) const {
  if (auto it = schema.find("required"); it != schema.end()) {
    for (const auto& name : *it) {
      if (!value.contains(name.get<std::string>())) {
        out.push_back(
            {pointer, "missing required property " + name.dump(), ""});
      }
    }
  }
  static const json no_properties = json::object();
  auto props = schema.find("properties");
  const json& properties = props != schema.end() ? *props : no_properties;
  auto additional = schema.find("additionalProperties");
  for (const auto& [key, member] : value.items()) {
    std::string member_pointer = pointer + "/" + pointer_token(key);
    if (auto p = properties.find(key); p != properties.end()) {
      check(member, *p, root, member_pointer, out);
    } else if (additional != schema.end()) {
      if (additional->is_boolean() && !additional->get<bool>()) {
        std::vector<std::string> allowed;
        for (const auto& [name, unused] : properties.items()) {
          allowed.push_back(name);
        }
        out.push_back(
            {member_pointer,
             "unexpected property; allowed here: " + join(allowed, ", "), ""});
      } else {
        check(member, *additional, root, member_pointer, out);
      }
    }
  }
}

void SchemaSet::Run::check_any(const json& value, const json& branches,
                               const json& root, const std::string& pointer,
                               bool exactly_one,
                               std::vector<Violation>& out) const {
  std::vector<std::vector<Violation>> results;
  std::size_t matches = 0;
  for (const auto& branch : branches) {
    results.emplace_back();
    check(value, branch, root, pointer, results.back());
    if (results.back().empty()) ++matches;
  }
  if (matches == 1 || (matches > 1 && !exactly_one)) return;
  if (matches > 1) {
    out.push_back({pointer, "matches more than one of the allowed forms", ""});
    return;
  }
  // When every form failed on the type alone, say which types would do.
  std::vector<std::string> expected;
  for (const auto& r : results) {
    if (r.size() == 1 && r[0].pointer == pointer &&
        !r[0].expected_type.empty()) {
      expected.push_back(r[0].expected_type);
    }
  }
  if (expected.size() == results.size()) {
    std::string phrase = join(expected, " or ");
    out.push_back(
        {pointer, "expected " + phrase + ", got " + shown(value), phrase});
    return;
  }
  // Otherwise the form that failed on something other than its type is the
  // one the author meant; report its violations.
  for (auto& r : results) {
    bool type_only =
        r.size() == 1 && r[0].pointer == pointer && !r[0].expected_type.empty();
    if (!type_only) {
      out.insert(out.end(), r.begin(), r.end());
      return;
    }
  }
}

void SchemaSet::check_keywords(const json& schema, const std::string& origin,
                               const std::string& where) {
  if (schema.is_boolean()) return;
  if (!schema.is_object()) {
    throw ReportError(origin + ": " + where + ": a schema must be an object");
  }
  for (const auto& [key, sub] : schema.items()) {
    std::string here = where + "/" + pointer_token(key);
    if (annotation_keywords.count(key) == 0 &&
        assertion_keywords.count(key) == 0) {
      throw ReportError(origin + ": " + here +
                        ": keyword not supported by this validator");
    }
    if (key == "properties" || key == "$defs") {
      for (const auto& [name, s] : sub.items()) {
        check_keywords(s, origin, here + "/" + pointer_token(name));
      }
    } else if (key == "anyOf" || key == "oneOf" || key == "allOf") {
      for (std::size_t i = 0; i < sub.size(); ++i) {
        check_keywords(sub[i], origin, here + "/" + std::to_string(i));
      }
    } else if (key == "items" || key == "additionalProperties" || key == "if" ||
               key == "then" || key == "else") {
      check_keywords(sub, origin, here);
    } else if (key == "pattern") {
      const auto& source = sub.get_ref<const std::string&>();
      try {
        patterns_.try_emplace(source, source, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        throw ReportError(origin + ": " + here + ": bad pattern: " + e.what());
      }
    }
  }
}

void SchemaSet::add(json schema, const std::string& origin) {
  if (!schema.is_object() || !schema.contains("$id") ||
      !schema["$id"].is_string()) {
    throw ReportError(origin + ": a schema needs a string \"$id\"");
  }
  check_keywords(schema, origin, "");
  std::string id = schema["$id"].get<std::string>();
  schemas_.insert_or_assign(id, Entry{std::move(schema), origin});
}

bool SchemaSet::contains(std::string_view id) const {
  return schemas_.find(id) != schemas_.end();
}

std::vector<Violation> SchemaSet::validate(const json& document,
                                           std::string_view schema_id) const {
  auto it = schemas_.find(schema_id);
  if (it == schemas_.end()) {
    throw ReportError("no schema with $id " + std::string(schema_id) +
                      " is loaded");
  }
  std::vector<Violation> out;
  Run(*this).check(document, it->second.schema, it->second.schema, "", out);
  return out;
}

}  // namespace rlkit::report
