#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "schema_validator.hpp"

namespace rlkit::report {

enum class DocumentKind { conformance, benchmark, platform_report };

// "rlkit-conformance" and so on; the name a document carries.
std::string schema_name(DocumentKind kind);

// The version of each document kind this tool reads and writes.
inline constexpr int schema_version = 1;

// The schema folder: `option` when given, else $RLKIT_SCHEMA_DIR, else
// <folder of the executable>/../share/rlkit/schema (an installed tool), else
// the source tree's reports/schema (a tool run from its build folder).
std::filesystem::path find_schema_dir(
    const std::optional<std::filesystem::path>& option);

// Loads every rlkit schema from `dir`.
SchemaSet load_schemas(const std::filesystem::path& dir);

// Tells what a parsed document is from its "schema" key (or, for a
// benchmark report, from Google Benchmark's shape and the rlkit_schema
// context key). Throws ReportError, naming `file`, for an unknown name or an
// unsupported version.
DocumentKind detect_kind(const nlohmann::json& document,
                         const std::string& file);

// Checks a document against its schema and the rules a schema cannot state
// (unique check ids, a summary that counts the checks, an rlkit_platform
// string that holds a valid platform). Throws ReportError listing every
// problem as "<file>: <JSON pointer>: <what is wrong>".
DocumentKind validate_document(const nlohmann::json& document,
                               const std::string& file,
                               const SchemaSet& schemas);

// Reads a file and validates it; throws ReportError when it is not a valid
// document of `expected` kind.
nlohmann::json load_document(const std::filesystem::path& path,
                             DocumentKind expected, const SchemaSet& schemas);

}  // namespace rlkit::report
