#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rlkit::report {

// What rlkit reads from one Google Benchmark report, keyed by run_name.
struct BenchmarkFigures {
  // Median CPU time in ns: the "median" aggregate when the benchmark ran
  // more than once, else its single iteration entry.
  std::map<std::string, double> median_ns;
  // CPU time in ns of each repetition (the iteration entries), for tests of
  // significance.
  std::map<std::string, std::vector<double>> repetitions_ns;
};

// Entries that report an error carry no usable time and are left out.
BenchmarkFigures read_benchmark_figures(const nlohmann::json& report);

// Nanoseconds in one `unit` ("ns", "us", "ms" or "s").
double nanoseconds_per(const std::string& unit);

// A raw and an rlkit benchmark of the same call. Two run_names pair when
// they are equal except for one "/"-separated segment that is "raw" in one
// and "rlkit" in the other; the call's name is the run_name without it.
struct CallPair {
  std::string name;
  std::string raw_run_name;
  std::string rlkit_run_name;
};

// Every pair among `run_names`, sorted by call name.
std::vector<CallPair> pair_calls(const std::vector<std::string>& run_names);

// The "derived" object of a platform report. `benchmarks` may be null.
nlohmann::json derive_figures(const nlohmann::json& checks,
                              const nlohmann::json& benchmarks);

// A finite number as a JSON number; NaN or infinity as null, on purpose:
// JSON has no spelling for them.
nlohmann::json number_or_null(std::optional<double> value);

}  // namespace rlkit::report
