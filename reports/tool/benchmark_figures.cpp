#include "benchmark_figures.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <sstream>

#include "report_error.hpp"

namespace rlkit::report {
namespace {

using nlohmann::json;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, '/')) parts.push_back(part);
  if (!text.empty() && text.back() == '/') parts.emplace_back();
  return parts;
}

std::optional<double> ratio(std::optional<double> a, std::optional<double> b) {
  if (!a || !b || *b == 0) return std::nullopt;
  return *a / *b;
}

}  // namespace

double nanoseconds_per(const std::string& unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  throw ReportError("unknown time unit \"" + unit + "\"");
}

BenchmarkFigures read_benchmark_figures(const json& report) {
  BenchmarkFigures figures;
  std::map<std::string, double> aggregate_median;
  for (const auto& entry : report.at("benchmarks")) {
    if (entry.value("error_occurred", false)) continue;
    if (!entry.contains("cpu_time") || !entry.contains("time_unit")) continue;
    const std::string run_name = entry.at("run_name").get<std::string>();
    double ns = entry.at("cpu_time").get<double>() *
                nanoseconds_per(entry.at("time_unit").get<std::string>());
    const std::string type = entry.at("run_type").get<std::string>();
    if (type == "iteration") {
      figures.repetitions_ns[run_name].push_back(ns);
    } else if (entry.value("aggregate_name", "") == "median") {
      aggregate_median[run_name] = ns;
    }
  }
  for (const auto& [run_name, samples] : figures.repetitions_ns) {
    auto it = aggregate_median.find(run_name);
    // Without a median aggregate (one repetition, or a reporter that left
    // aggregates out) the median of the repetitions is the same figure.
    figures.median_ns[run_name] =
        (samples.size() > 1 && it != aggregate_median.end()) ? it->second
                                                             : median(samples);
  }
  // A report holding only aggregates still has medians.
  for (const auto& [run_name, ns] : aggregate_median) {
    figures.median_ns.emplace(run_name, ns);
  }
  return figures;
}

// Orders digit runs by value, so "threads:16" comes after "threads:2" and
// tables read in the order the benchmarks scale.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const bool a_digit = std::isdigit(static_cast<unsigned char>(a[i])) != 0;
    const bool b_digit = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
    if (a_digit && b_digit) {
      std::size_t i_end = i;
      std::size_t j_end = j;
      while (i_end < a.size() &&
             std::isdigit(static_cast<unsigned char>(a[i_end])) != 0) {
        ++i_end;
      }
      while (j_end < b.size() &&
             std::isdigit(static_cast<unsigned char>(b[j_end])) != 0) {
        ++j_end;
      }
      const auto a_run = a.substr(i, i_end - i);
      const auto b_run = b.substr(j, j_end - j);
      if (a_run.size() != b_run.size()) return a_run.size() < b_run.size();
      if (a_run != b_run) return a_run < b_run;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

std::vector<CallPair> pair_calls(const std::vector<std::string>& run_names) {
  std::set<std::string> names(run_names.begin(), run_names.end());
  std::vector<CallPair> pairs;
  for (const auto& raw : names) {
    auto parts = split(raw);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (parts[i] != "raw") continue;
      auto other = parts;
      other[i] = "rlkit";
      std::string rlkit;
      for (std::size_t j = 0; j < other.size(); ++j) {
        if (j > 0) rlkit += "/";
        rlkit += other[j];
      }
      if (names.count(rlkit) == 0) continue;
      std::string name;
      for (std::size_t j = 0; j < parts.size(); ++j) {
        if (j == i) continue;
        if (!name.empty()) name += "/";
        name += parts[j];
      }
      pairs.push_back({name, raw, rlkit});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
    return natural_less(a.name, b.name);
  });
  return pairs;
}

json number_or_null(std::optional<double> value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return *value;
}

json derive_figures(const json& checks, const json& benchmarks) {
  json verdicts = {{"pass", 0}, {"fail", 0}, {"skip", 0}};
  for (const auto& check : checks) {
    auto& count = verdicts[check.at("verdict").get<std::string>()];
    count = count.get<long long>() + 1;
  }
  json derived = {{"verdicts", verdicts},
                  {"null_syscall_ns", nullptr},
                  {"calls", json::array()},
                  {"multiples", json::object()}};
  if (benchmarks.is_null()) return derived;

  BenchmarkFigures figures = read_benchmark_figures(benchmarks);
  auto median_of = [&](const std::string& run_name) -> std::optional<double> {
    auto it = figures.median_ns.find(run_name);
    if (it == figures.median_ns.end()) return std::nullopt;
    return it->second;
  };
  std::optional<double> null_ns = median_of("null_syscall");
  derived["null_syscall_ns"] = number_or_null(null_ns);

  std::vector<std::string> run_names;
  for (const auto& [run_name, ns] : figures.median_ns) {
    run_names.push_back(run_name);
    derived["multiples"][run_name] = number_or_null(ratio(ns, null_ns));
  }
  for (const auto& pair : pair_calls(run_names)) {
    auto raw = median_of(pair.raw_run_name);
    auto rlkit = median_of(pair.rlkit_run_name);
    derived["calls"].push_back(
        {{"name", pair.name},
         {"raw_ns", number_or_null(raw)},
         {"rlkit_ns", number_or_null(rlkit)},
         {"wrapper_ratio", number_or_null(ratio(rlkit, raw))},
         {"raw_null_multiple", number_or_null(ratio(raw, null_ns))},
         {"rlkit_null_multiple", number_or_null(ratio(rlkit, null_ns))}});
  }
  return derived;
}

}  // namespace rlkit::report
