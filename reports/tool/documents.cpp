#include "documents.hpp"

#include <cstdlib>
#include <map>
#include <vector>

#include "json_file.hpp"
#include "report_error.hpp"

#ifndef RLKIT_SOURCE_SCHEMA_DIR
#error "RLKIT_SOURCE_SCHEMA_DIR must name the source tree's schema folder"
#endif

namespace rlkit::report {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* const platform_id = "urn:rlkit:schema:rlkit-platform:1";

struct KindInfo {
  DocumentKind kind;
  const char* name;
  const char* file;
  const char* id;
};

const KindInfo kinds[] = {
    {DocumentKind::conformance, "rlkit-conformance", "conformance.schema.json",
     "urn:rlkit:schema:rlkit-conformance:1"},
    {DocumentKind::benchmark, "rlkit-benchmark", "benchmark.schema.json",
     "urn:rlkit:schema:rlkit-benchmark:1"},
    {DocumentKind::platform_report, "rlkit-platform-report",
     "platform-report.schema.json", "urn:rlkit:schema:rlkit-platform-report:1"},
};

const KindInfo& info(DocumentKind kind) {
  for (const auto& k : kinds) {
    if (k.kind == kind) return k;
  }
  throw std::logic_error("unknown document kind");
}

bool has_schemas(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "platform.schema.json", ec);
}

[[noreturn]] void unsupported_version(const std::string& file,
                                      const std::string& where,
                                      const std::string& name,
                                      const std::string& version) {
  throw ReportError(file + ": " + where + ": unsupported version " + version +
                    " of " + name + "; this tool reads version " +
                    std::to_string(schema_version));
}

DocumentKind kind_from_schema_key(const json& schema, const std::string& file) {
  if (!schema.is_object() || !schema.contains("name") ||
      !schema["name"].is_string()) {
    throw ReportError(file +
                      ": /schema: expected an object with a string \"name\" "
                      "and an integer \"version\"");
  }
  const std::string name = schema["name"].get<std::string>();
  const KindInfo* found = nullptr;
  for (const auto& k : kinds) {
    if (name == k.name && k.kind != DocumentKind::benchmark) found = &k;
  }
  if (found == nullptr) {
    throw ReportError(file + ": /schema/name: unknown schema \"" + name +
                      "\"; expected rlkit-conformance or "
                      "rlkit-platform-report");
  }
  const json version = schema.value("version", json());
  if (!version.is_number_integer() || version.get<long long>() != 1) {
    unsupported_version(file, "/schema/version", name, version.dump());
  }
  return found->kind;
}

DocumentKind kind_from_benchmark_context(const json& context,
                                         const std::string& file) {
  auto it = context.find("rlkit_schema");
  // Without the key the schema check says what is missing.
  if (it == context.end() || !it->is_string()) return DocumentKind::benchmark;
  const std::string tag = it->get<std::string>();
  const std::string prefix = "rlkit-benchmark/";
  if (tag.rfind(prefix, 0) != 0) {
    throw ReportError(file + ": /context/rlkit_schema: unknown schema \"" +
                      tag + "\"; expected rlkit-benchmark/1");
  }
  if (tag.substr(prefix.size()) != "1") {
    unsupported_version(file, "/context/rlkit_schema", "rlkit-benchmark",
                        tag.substr(prefix.size()));
  }
  return DocumentKind::benchmark;
}

std::string at(const std::string& pointer) {
  return pointer.empty() ? "(document)" : pointer;
}

void check_checks(const json& conformance, const std::string& base,
                  std::vector<std::string>& problems) {
  std::map<std::string, std::size_t> first_index;
  std::map<std::string, long long> counted = {
      {"pass", 0}, {"fail", 0}, {"skip", 0}};
  const json& checks = conformance["checks"];
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const std::string id = checks[i]["id"].get<std::string>();
    auto [it, inserted] = first_index.emplace(id, i);
    if (!inserted) {
      problems.push_back(base + "/checks/" + std::to_string(i) +
                         "/id: duplicate check id \"" + id + "\" (first at " +
                         base + "/checks/" + std::to_string(it->second) + ")");
    }
    ++counted[checks[i]["verdict"].get<std::string>()];
  }
  for (const auto& [verdict, count] : counted) {
    long long stated = conformance["summary"][verdict].get<long long>();
    if (stated != count) {
      problems.push_back(base + "/summary/" + verdict + ": says " +
                         std::to_string(stated) + " but " +
                         std::to_string(count) + " check(s) have verdict " +
                         verdict);
    }
  }
}

void check_benchmark_platform(const json& report, const std::string& base,
                              const SchemaSet& schemas,
                              std::vector<std::string>& problems) {
  const std::string where = base + "/context/rlkit_platform";
  json platform;
  try {
    platform =
        json::parse(report["context"]["rlkit_platform"].get<std::string>());
  } catch (const json::parse_error& e) {
    problems.push_back(where + ": the string is not valid JSON (byte " +
                       std::to_string(e.byte) + ")");
    return;
  }
  for (const auto& v : schemas.validate(platform, platform_id)) {
    problems.push_back(where + ": (inside the string) " + at(v.pointer) + ": " +
                       v.message);
  }
}

}  // namespace

std::string schema_name(DocumentKind kind) { return info(kind).name; }

fs::path find_schema_dir(const std::optional<fs::path>& option) {
  if (option) {
    if (!has_schemas(*option)) {
      throw ReportError(option->string() +
                        ": --schema-dir: no platform.schema.json there");
    }
    return *option;
  }
  if (const char* env = std::getenv("RLKIT_SCHEMA_DIR"); env && *env) {
    if (!has_schemas(env)) {
      throw ReportError(std::string(env) +
                        ": RLKIT_SCHEMA_DIR: no platform.schema.json there");
    }
    return env;
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed =
        exe.parent_path() / ".." / "share" / "rlkit" / "schema";
    if (has_schemas(installed)) return installed.lexically_normal();
  }
  if (has_schemas(RLKIT_SOURCE_SCHEMA_DIR)) return RLKIT_SOURCE_SCHEMA_DIR;
  throw ReportError(
      "cannot find the schema folder; pass --schema-dir or set "
      "RLKIT_SCHEMA_DIR");
}

SchemaSet load_schemas(const fs::path& dir) {
  SchemaSet set;
  set.add(load_json_file(dir / "platform.schema.json"),
          (dir / "platform.schema.json").string());
  for (const auto& k : kinds) {
    set.add(load_json_file(dir / k.file), (dir / k.file).string());
  }
  return set;
}

DocumentKind detect_kind(const json& document, const std::string& file) {
  if (!document.is_object()) {
    throw ReportError(file + ": (document): expected an object, got " +
                      std::string(document.type_name()));
  }
  if (auto it = document.find("schema"); it != document.end()) {
    return kind_from_schema_key(*it, file);
  }
  auto context = document.find("context");
  if (context != document.end() && context->is_object() &&
      document.contains("benchmarks")) {
    return kind_from_benchmark_context(*context, file);
  }
  throw ReportError(file +
                    ": (document): cannot tell what this is: no \"schema\" "
                    "key and not Google Benchmark output (\"context\" and "
                    "\"benchmarks\")");
}

DocumentKind validate_document(const json& document, const std::string& file,
                               const SchemaSet& schemas) {
  DocumentKind kind = detect_kind(document, file);
  std::vector<std::string> problems;
  for (const auto& v : schemas.validate(document, info(kind).id)) {
    problems.push_back(at(v.pointer) + ": " + v.message);
  }
  // The rules below read fields the schema guarantees, so they run only on a
  // document that passed it.
  if (problems.empty()) {
    if (kind == DocumentKind::conformance) {
      check_checks(document, "", problems);
    } else if (kind == DocumentKind::benchmark) {
      check_benchmark_platform(document, "", schemas, problems);
    } else {
      check_checks(document["conformance"], "/conformance", problems);
      if (!document["benchmarks"].is_null()) {
        check_benchmark_platform(document["benchmarks"], "/benchmarks", schemas,
                                 problems);
      }
    }
  }
  if (!problems.empty()) {
    std::string message;
    for (std::size_t i = 0; i < problems.size(); ++i) {
      if (i > 0) message += "\n";
      message += file + ": " + problems[i];
    }
    throw ReportError(message);
  }
  return kind;
}

json load_document(const fs::path& path, DocumentKind expected,
                   const SchemaSet& schemas) {
  json document = load_json_file(path);
  DocumentKind kind = validate_document(document, path.string(), schemas);
  if (kind != expected) {
    throw ReportError(path.string() + ": expected a " + schema_name(expected) +
                      " document, got " + schema_name(kind));
  }
  return document;
}

}  // namespace rlkit::report
