// rlkit-report: merges, validates and compares rlkit's JSON reports.
//
// Exit status: 0 success; 1 compare found a changed verdict or a significant
// slowdown against the baseline; 2 bad usage or an input, output or schema
// problem (the message on stderr names the file and the place in it).

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compare.hpp"
#include "documents.hpp"
#include "json_file.hpp"
#include "merge.hpp"
#include "report_error.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using rlkit::report::DocumentKind;

constexpr int exit_regression = 1;
constexpr int exit_error = 2;

struct Arguments {
  std::optional<fs::path> schema_dir;
  fs::path conformance;
  std::optional<fs::path> benchmarks;
  std::optional<fs::path> output;
  std::optional<fs::path> output_dir;
  fs::path report;
  std::vector<fs::path> files;
  std::optional<fs::path> baseline;
  std::optional<fs::path> compare_output;
  double threshold_percent = 5;
};

rlkit::report::SchemaSet schemas_for(const Arguments& args) {
  return rlkit::report::load_schemas(
      rlkit::report::find_schema_dir(args.schema_dir));
}

int run_merge(const Arguments& args) {
  if (!args.output && !args.output_dir) {
    throw rlkit::report::ReportError(
        "rlkit-report merge: give -o FILE or --output-dir DIR");
  }
  auto schemas = schemas_for(args);
  json conformance = rlkit::report::load_document(
      args.conformance, DocumentKind::conformance, schemas);
  json benchmarks = nullptr;
  if (args.benchmarks) {
    benchmarks = rlkit::report::load_document(*args.benchmarks,
                                              DocumentKind::benchmark, schemas);
  }
  json report = rlkit::report::build_platform_report(conformance, benchmarks,
                                                     rlkit::report::utc_now());
  // What this tool writes must be what it accepts; a failure here is a bug
  // in the tool, and nothing is written.
  const auto id = report["id"].get<std::string>();
  // With --output-dir the file is named by the platform id, so reports
  // from many machines can share one folder.
  const fs::path output =
      args.output ? *args.output : *args.output_dir / (id + ".json");
  rlkit::report::validate_document(report, output.string() + " (merged)",
                                   schemas);
  rlkit::report::write_file_atomically(output,
                                       rlkit::report::to_json_text(report));
  std::clog << "rlkit-report: wrote " << output.string() << " (" << id << ")\n";
  if (args.output_dir) std::cout << output.string() << "\n";
  return 0;
}

std::string format_ns(const json& value) {
  if (!value.is_number()) return "n/a";
  std::ostringstream out;
  out << std::fixed << std::setprecision(value.get<double>() < 100 ? 1 : 0)
      << value.get<double>() << " ns";
  return out.str();
}

std::string format_ratio(const json& value, const char* suffix) {
  if (!value.is_number()) return "n/a";
  std::ostringstream out;
  out << std::fixed << std::setprecision(2) << value.get<double>() << suffix;
  return out.str();
}

// A few lines for a terminal: verdict counts, every failed check, and the
// benchmark figures people look at first.
int run_summary(const Arguments& args) {
  auto schemas = schemas_for(args);
  const json report = rlkit::report::load_document(
      args.report, DocumentKind::platform_report, schemas);
  const json& derived = report.at("derived");
  const json& verdicts = derived.at("verdicts");
  std::cout << "platform " << report.at("id").get<std::string>() << "\n";
  std::cout << "  conformance: " << verdicts.at("pass") << " pass, "
            << verdicts.at("fail") << " fail, " << verdicts.at("skip")
            << " skip\n";
  for (const auto& check : report.at("conformance").at("checks")) {
    if (check.at("verdict") != "fail") continue;
    std::cout << "    FAIL " << check.at("id").get<std::string>() << ": "
              << check.at("reason").get<std::string>() << "\n";
  }
  if (report.at("benchmarks").is_null()) return 0;
  std::cout << "  null system call: "
            << format_ns(derived.at("null_syscall_ns")) << "\n";
  int width = 4;
  for (const auto& call : derived.at("calls")) {
    width = std::max(
        width, static_cast<int>(call.at("name").get<std::string>().size()));
  }
  std::cout << "  " << std::left << std::setw(width + 2) << "call" << std::right
            << std::setw(12) << "raw" << std::setw(12) << "rlkit"
            << std::setw(9) << "ratio" << std::setw(10) << "x null"
            << "\n";
  for (const auto& call : derived.at("calls")) {
    std::cout << "  " << std::left << std::setw(width + 2)
              << call.at("name").get<std::string>() << std::right
              << std::setw(12) << format_ns(call.at("raw_ns")) << std::setw(12)
              << format_ns(call.at("rlkit_ns")) << std::setw(9)
              << format_ratio(call.at("wrapper_ratio"), "") << std::setw(10)
              << format_ratio(call.at("rlkit_null_multiple"), "x") << "\n";
  }
  return 0;
}

int run_validate(const Arguments& args) {
  auto schemas = schemas_for(args);
  int status = 0;
  for (const auto& file : args.files) {
    try {
      json document = rlkit::report::load_json_file(file);
      DocumentKind kind =
          rlkit::report::validate_document(document, file.string(), schemas);
      std::cout << file.string() << ": valid ("
                << rlkit::report::schema_name(kind) << " v"
                << rlkit::report::schema_version << ")\n";
    } catch (const rlkit::report::ReportError& e) {
      // Every file is checked, so one run lists all the problems.
      std::cerr << e.what() << "\n";
      status = exit_error;
    }
  }
  return status;
}

int run_compare(const Arguments& args) {
  auto schemas = schemas_for(args);
  std::vector<json> reports;
  for (const auto& file : args.files) {
    reports.push_back(rlkit::report::load_document(
        file, DocumentKind::platform_report, schemas));
  }
  json baseline = nullptr;
  if (args.baseline) {
    baseline = rlkit::report::load_document(
        *args.baseline, DocumentKind::platform_report, schemas);
  }
  rlkit::report::CompareOptions options;
  options.threshold_percent = args.threshold_percent;
  auto comparison = rlkit::report::compare_reports(reports, baseline, options);
  if (args.compare_output) {
    rlkit::report::write_file_atomically(*args.compare_output,
                                         comparison.markdown);
  } else {
    std::cout << comparison.markdown << std::flush;
  }
  if (comparison.regressions.empty()) return 0;
  for (const auto& line : comparison.regressions) {
    std::cerr << "rlkit-report: " << line << "\n";
  }
  std::cerr << "rlkit-report: " << comparison.regressions.size()
            << " regression(s) against the baseline\n";
  return exit_regression;
}

// Parses the options and runs the subcommand; main reports what escapes.
int run_tool(int argc, char** argv) {
  Arguments args;
  CLI::App app{"Merge, validate and compare rlkit reports"};
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option(
      "--schema-dir", args.schema_dir,
      "folder holding the rlkit JSON schemas (default: "
      "$RLKIT_SCHEMA_DIR, the installed ones, or the source tree's)");

  auto* merge = app.add_subcommand(
      "merge",
      "merge a conformance and a benchmark report into a platform "
      "report");
  merge->add_option("--conformance", args.conformance, "conformance report")
      ->required();
  merge->add_option("--benchmarks", args.benchmarks,
                    "benchmark report (Google Benchmark JSON); without it the "
                    "report's \"benchmarks\" is null");
  auto* output =
      merge->add_option("-o,--output", args.output, "platform report to write");
  auto* output_dir = merge->add_option(
      "--output-dir", args.output_dir,
      "folder to write <platform-id>.json into (its path is printed)");
  output->excludes(output_dir);
  output_dir->excludes(output);

  auto* validate =
      app.add_subcommand("validate", "check reports against their schemas");
  validate->add_option("files", args.files, "JSON files")->required();

  auto* compare = app.add_subcommand(
      "compare", "render platform reports side by side as Markdown");
  compare->add_option("reports", args.files, "platform reports")->required();
  compare->add_option("--baseline", args.baseline,
                      "platform report to flag changes against");
  compare
      ->add_option("--threshold", args.threshold_percent,
                   "percent a median must grow by to count as slower")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1000.0));
  compare->add_option("-o,--output", args.compare_output,
                      "Markdown file to write (default: stdout)");

  auto* summary = app.add_subcommand(
      "summary", "print a platform report's key figures for a terminal");
  summary->add_option("report", args.report, "platform report")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : exit_error;
  }

  try {
    if (merge->parsed()) return run_merge(args);
    if (validate->parsed()) return run_validate(args);
    if (summary->parsed()) return run_summary(args);
    return run_compare(args);
  } catch (const rlkit::report::ReportError& e) {
    std::cerr << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "rlkit-report: unexpected error: " << e.what() << "\n";
  }
  return exit_error;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_tool(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "rlkit-report: unexpected error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "rlkit-report: unexpected error of unknown type\n";
  }
  return exit_error;
}
