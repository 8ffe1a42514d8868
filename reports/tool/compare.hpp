#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rlkit::report {

struct CompareOptions {
  // A benchmark counts as slower only when its median grew by more than
  // this many percent and the Mann-Whitney test finds the difference
  // significant at `alpha` (0.05, as Google Benchmark's compare.py uses).
  double threshold_percent = 5;
  double alpha = 0.05;
  // compare.py warns that fewer repetitions make the test unreliable; below
  // this rlkit does not test at all.
  std::size_t min_repetitions = 9;
};

struct Comparison {
  std::string markdown;
  // One line per verdict change or significant slowdown against the
  // baseline; empty without a baseline.
  std::vector<std::string> regressions;
};

// Renders validated platform reports side by side, and each against
// `baseline` when it is not null. The output depends only on the inputs.
Comparison compare_reports(const std::vector<nlohmann::json>& reports,
                           const nlohmann::json& baseline,
                           const CompareOptions& options);

}  // namespace rlkit::report
