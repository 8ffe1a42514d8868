#pragma once

#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rlkit::report {

// Reads and parses a whole JSON file. Throws ReportError naming the file and,
// for a parse error, the line, column and byte offset where parsing stopped.
nlohmann::json load_json_file(const std::filesystem::path& path);

// Replaces `target` with `content` so that a reader sees either the old file
// or the complete new one, never a partial write: the bytes go to a temporary
// file in the same folder, are flushed to disk and renamed over the target.
// On failure the temporary file is removed and ReportError is thrown.
void write_file_atomically(const std::filesystem::path& target,
                           std::string_view content);

// The form every rlkit JSON file is written in: two-space indentation and a
// final newline. Non-finite numbers never reach here (callers map them to
// null on purpose), and nlohmann formats numbers independently of the locale.
std::string to_json_text(const nlohmann::json& document);

}  // namespace rlkit::report
