// Derived figures and platform ids. The fixture's CPU times are listed in
// data/make_benchmarks.py; every expected number below is worked out from
// those by hand.
#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "benchmark_figures.hpp"
#include "json_file.hpp"
#include "merge.hpp"

namespace rlkit::report {
namespace {

using nlohmann::json;

json fixture(const std::string& name) {
  return load_json_file(std::string(RLKIT_REPORT_TEST_DATA) + "/" + name);
}

TEST(BenchmarkFigures, MediansRepetitionsAndUnits) {
  auto figures = read_benchmark_figures(fixture("benchmarks-x86_64.json"));
  // Sorted null_syscall times: 47 48 49 50 50 50 51 52 53.
  EXPECT_DOUBLE_EQ(figures.median_ns.at("null_syscall"), 50);
  EXPECT_EQ(figures.repetitions_ns.at("null_syscall").size(), 9u);
  // One repetition of 0.0005 us.
  EXPECT_DOUBLE_EQ(figures.median_ns.at("getpagesize/raw"), 0.5);
  // The entry that reported an error is left out.
  EXPECT_EQ(figures.median_ns.count("mlock/raw"), 0u);
  EXPECT_EQ(figures.median_ns.size(), 7u);
}

TEST(BenchmarkFigures, MedianAggregateWinsOverRecomputing) {
  json report = {{"benchmarks", json::array()}};
  for (double t : {1.0, 2.0, 9.0}) {
    report["benchmarks"].push_back({{"run_name", "a"},
                                    {"run_type", "iteration"},
                                    {"cpu_time", t},
                                    {"time_unit", "ms"}});
  }
  report["benchmarks"].push_back({{"run_name", "a"},
                                  {"run_type", "aggregate"},
                                  {"aggregate_name", "median"},
                                  {"cpu_time", 2.5},
                                  {"time_unit", "ms"}});
  EXPECT_DOUBLE_EQ(read_benchmark_figures(report).median_ns.at("a"), 2.5e6);
}

TEST(BenchmarkFigures, DerivedFromTheFixture) {
  json derived = derive_figures(fixture("conformance-x86_64.json")["checks"],
                                fixture("benchmarks-x86_64.json"));
  EXPECT_EQ(derived["verdicts"], json({{"pass", 3}, {"fail", 1}, {"skip", 1}}));
  EXPECT_DOUBLE_EQ(derived["null_syscall_ns"].get<double>(), 50);
  EXPECT_DOUBLE_EQ(derived["multiples"]["getrlimit/rlkit"].get<double>(),
                   63.0 / 50);
  EXPECT_DOUBLE_EQ(derived["multiples"]["null_syscall"].get<double>(), 1);
  ASSERT_EQ(derived["calls"].size(), 3u);
  // Sorted by name; the "raw"/"rlkit" segment may be anywhere.
  EXPECT_EQ(derived["calls"][0]["name"], "getpagesize");
  EXPECT_DOUBLE_EQ(derived["calls"][0]["wrapper_ratio"].get<double>(), 1.4);
  EXPECT_EQ(derived["calls"][1]["name"], "getrlimit");
  EXPECT_DOUBLE_EQ(derived["calls"][1]["wrapper_ratio"].get<double>(), 1.05);
  EXPECT_DOUBLE_EQ(derived["calls"][1]["raw_null_multiple"].get<double>(), 1.2);
  EXPECT_EQ(derived["calls"][2]["name"], "prlimit/nofile");
  EXPECT_DOUBLE_EQ(derived["calls"][2]["rlkit_null_multiple"].get<double>(),
                   84.0 / 50);
}

TEST(BenchmarkFigures, NoNullSyscallGivesNullMultiples) {
  json bench = fixture("benchmarks-x86_64.json");
  json kept = json::array();
  for (auto& e : bench["benchmarks"]) {
    if (e["run_name"] != "null_syscall") kept.push_back(e);
  }
  bench["benchmarks"] = kept;
  json derived = derive_figures(json::array(), bench);
  EXPECT_TRUE(derived["null_syscall_ns"].is_null());
  EXPECT_TRUE(derived["multiples"]["getrlimit/raw"].is_null());
  EXPECT_TRUE(derived["calls"][1]["raw_null_multiple"].is_null());
  EXPECT_DOUBLE_EQ(derived["calls"][1]["wrapper_ratio"].get<double>(), 1.05);
}

TEST(BenchmarkFigures, NoBenchmarksAtAll) {
  json derived = derive_figures(json::array(), nullptr);
  EXPECT_TRUE(derived["null_syscall_ns"].is_null());
  EXPECT_TRUE(derived["calls"].empty());
  EXPECT_TRUE(derived["multiples"].empty());
}

TEST(BenchmarkFigures, PairingNeedsExactlyOneDifferingSegment) {
  auto pairs = pair_calls({"a/raw/x", "a/rlkit/x", "b/raw", "c/rlkit",
                           "raw/rlkit", "rlkit/rlkit", "d/raw/1", "d/rlkit/2"});
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].name, "a/x");
  EXPECT_EQ(pairs[0].raw_run_name, "a/raw/x");
  EXPECT_EQ(pairs[1].name, "rlkit");
  EXPECT_EQ(pairs[1].rlkit_run_name, "rlkit/rlkit");
}

TEST(BenchmarkFigures, CallsAreOrderedByNumberWithinNames) {
  auto pairs =
      pair_calls({"t/raw/threads:16", "t/rlkit/threads:16", "t/raw/threads:2",
                  "t/rlkit/threads:2", "t/raw/threads:1024",
                  "t/rlkit/threads:1024", "s/raw", "s/rlkit"});
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[0].name, "s");
  EXPECT_EQ(pairs[1].name, "t/threads:2");
  EXPECT_EQ(pairs[2].name, "t/threads:16");
  EXPECT_EQ(pairs[3].name, "t/threads:1024");
}

TEST(BenchmarkFigures, NonFiniteNumbersBecomeNull) {
  EXPECT_TRUE(
      number_or_null(std::numeric_limits<double>::quiet_NaN()).is_null());
  EXPECT_TRUE(number_or_null(INFINITY).is_null());
  EXPECT_TRUE(number_or_null(std::nullopt).is_null());
  EXPECT_EQ(number_or_null(2.5), json(2.5));
}

TEST(PlatformId, FromTheSpecification) {
  json platform = {{"os", "Linux"},
                   {"kernel_release", "6.18.44-fc-v1147"},
                   {"architecture", "x86_64"}};
  json run = {{"launcher", json::array()}, {"privilege", "root-restricted"}};
  EXPECT_EQ(platform_id(platform, run), "linux-6.18.44-x86_64-root-restricted");
  platform["architecture"] = "aarch64";
  run["launcher"] = {"/usr/bin/qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"};
  run["privilege"] = "unprivileged";
  EXPECT_EQ(platform_id(platform, run),
            "linux-6.18.44-aarch64-qemu-aarch64-unprivileged");
  platform["os"] = "Darwin";
  platform["kernel_release"] = "23.1.0";
  platform["architecture"] = "arm64 (M1)";
  run["launcher"] = json::array();
  EXPECT_EQ(platform_id(platform, run),
            "darwin-23.1.0-arm64--m1--unprivileged");
}

}  // namespace
}  // namespace rlkit::report
