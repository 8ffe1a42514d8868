// Runs rlkit-bench --quick once and checks the JSON it writes against facts
// that do not come from the benchmark program: the names written below, the
// kernel's uname, the machine's memory size, Google Benchmark's own CPU
// clock, and a second validator (Python's jsonschema) for the schema.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Every benchmark the quick mode must report, by run_name.
const std::vector<std::string> expected_names = {
    "null_syscall",
    "getrlimit/raw",
    "getrlimit/rlkit",
    "setrlimit/raw",
    "setrlimit/rlkit",
    "prlimit/self/raw",
    "prlimit/self/rlkit",
    "prlimit/child/raw",
    "prlimit/child/rlkit",
    "getrusage/self/raw",
    "getrusage/self/rlkit",
    "getrusage/children/raw",
    "getrusage/children/rlkit",
    "getrusage/thread/raw",
    "getrusage/thread/rlkit",
    "getpagesize/raw",
    "getpagesize/rlkit",
    "proc_limits/raw",
    "proc_limits/rlkit",
    "proc_limits/parse",
    "describe_platform/rlkit",
    "getrusage/self/raw/parked_threads:1",
    "getrusage/self/raw/parked_threads:16",
    "getrusage/self/raw/parked_threads:256",
    "getrusage/self/raw/parked_threads:1024",
    "getrusage/self/rlkit/parked_threads:1",
    "getrusage/self/rlkit/parked_threads:16",
    "getrusage/self/rlkit/parked_threads:256",
    "getrusage/self/rlkit/parked_threads:1024",
    "getrusage/thread/raw/parked_threads:1",
    "getrusage/thread/raw/parked_threads:16",
    "getrusage/thread/raw/parked_threads:256",
    "getrusage/thread/raw/parked_threads:1024",
    "getrusage/thread/rlkit/parked_threads:1",
    "getrusage/thread/rlkit/parked_threads:16",
    "getrusage/thread/rlkit/parked_threads:256",
    "getrusage/thread/rlkit/parked_threads:1024",
    "alternative/clock_gettime_process/parked_threads:1",
    "alternative/clock_gettime_process/parked_threads:16",
    "alternative/clock_gettime_process/parked_threads:256",
    "alternative/clock_gettime_process/parked_threads:1024",
    "alternative/proc_self_stat",
    "alternative/proc_self_status",
    "alternative/clock_gettime_process",
    "alternative/clock_gettime_thread",
    "alternative/clock_gettime_monotonic",
    "alternative/times",
    "alternative/sysconf_pagesize",
    "alternative/uname",
    "spawn/posix_spawn/raw/real_time",
    "spawn/posix_spawn/rlkit/real_time",
    "spawn/fork_exec/real_time",
    "spawn/boost_process/real_time",
    "helper/loop/raw",
    "helper/loop/rlkit",
    "helper/usage_counters",
    "helper/meter/raw",
    "helper/meter/rlkit",
    "helper/cpu_burn",
    "helper/cpu_burn/threads:2",
};

// rlkit calls that no single raw call matches.
const std::set<std::string> unpaired = {"describe_platform/rlkit"};

// The one benchmark that runs without rlkit::UsageCounters.
const std::string without_counters = "helper/loop/raw";

const std::vector<std::string> counter_names = {
    "rlkit_utime_us", "rlkit_stime_us", "rlkit_minflt",      "rlkit_majflt",
    "rlkit_nvcsw",    "rlkit_nivcsw",   "rlkit_maxrss_bytes"};

std::vector<std::string> split(const std::string& name) {
  std::vector<std::string> parts;
  std::stringstream in(name);
  for (std::string part; std::getline(in, part, '/');) parts.push_back(part);
  return parts;
}

std::string join(const std::vector<std::string>& parts) {
  std::string name;
  for (const auto& part : parts) name += (name.empty() ? "" : "/") + part;
  return name;
}

// The one place in this test where an errno becomes an exception.
[[noreturn]] void throw_errno(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), "cannot " + what);
}

// Runs `argv` with stdout and stderr going to `log`; returns its wait
// status.
int run(const std::vector<std::string>& argv, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<std::string> copy = argv;
  std::vector<char*> args;
  args.reserve(copy.size() + 1);
  for (auto& arg : copy) args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error =
      posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw_errno(error, "start " + argv[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw_errno(errno, "wait for " + argv[0]);
  }
  return status;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// clang-tidy's bugprone-exception-escape takes the implicit constructor for
// one that throws.
struct Outcome {    // NOLINT(bugprone-exception-escape)
  int status = -1;  // of rlkit-bench, as waitpid gives it
  std::string log;  // its stdout and stderr
  json report;      // discarded (not an object) when the file was not JSON
  std::set<std::string> files;  // left in its otherwise empty folder
  int schema_status = -1;       // of the second validator
  std::string schema_log;
};

// Runs the quick mode in a fresh folder, validates its file there with
// Python's jsonschema, and removes the folder.
Outcome run_quick_mode() {
  char pattern[] = "/tmp/rlkit-bench-test.XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw_errno(errno, "create a temp dir");
  const fs::path dir = pattern;
  const fs::path json_path = dir / "quick.json";
  const fs::path log_path = dir / "rlkit-bench.log";
  Outcome outcome;
  outcome.status =
      run({RLKIT_BENCH_EXE, "--quick", "--benchmark_out=" + json_path.string()},
          log_path);
  outcome.log = read_text(log_path);
  for (const auto& entry : fs::directory_iterator(dir)) {
    outcome.files.insert(entry.path().filename().string());
  }
  if (fs::exists(json_path)) {
    std::ifstream in(json_path);
    outcome.report = json::parse(in, nullptr, /*allow_exceptions=*/false);
    const fs::path schema_log = dir / "jsonschema.log";
    outcome.schema_status =
        run({"python3", "-c",
             "import json, sys, jsonschema\n"
             "schema = json.load(open(sys.argv[1]))\n"
             "jsonschema.Draft202012Validator.check_schema(schema)\n"
             "jsonschema.Draft202012Validator(schema).validate(\n"
             "    json.load(open(sys.argv[2])))\n",
             RLKIT_BENCH_SCHEMA, json_path.string()},
            schema_log);
    outcome.schema_log = read_text(schema_log);
  }
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return outcome;
}

// Every test reads the one run.
const Outcome& quick_run() {
  static const Outcome outcome = run_quick_mode();
  return outcome;
}

class QuickRun : public ::testing::Test {
 protected:
  void SetUp() override {
    const Outcome& outcome = quick_run();
    ASSERT_TRUE(WIFEXITED(outcome.status) && WEXITSTATUS(outcome.status) == 0)
        << "rlkit-bench --quick failed; its output:\n"
        << outcome.log;
    ASSERT_TRUE(outcome.report.is_object())
        << "rlkit-bench --quick wrote no JSON object; its output:\n"
        << outcome.log;
  }

  static const json& report() { return quick_run().report; }

  // The iteration entries by run_name; a name twice is a failure.
  static std::map<std::string, json> runs() {
    std::map<std::string, json> by_name;
    for (const auto& entry : report().at("benchmarks")) {
      if (entry.at("run_type") != "iteration") continue;
      const std::string name = entry.at("run_name");
      EXPECT_EQ(by_name.count(name), 0u) << name << " reported twice";
      by_name[name] = entry;
    }
    return by_name;
  }
};

TEST_F(QuickRun, LeavesOnlyTheFinishedFile) {
  // The JSON is renamed into place; no partial file may remain beside it.
  EXPECT_EQ(quick_run().files,
            (std::set<std::string>{"quick.json", "rlkit-bench.log"}));
}

TEST_F(QuickRun, ContextDescribesThisMachine) {
  const json& context = report().at("context");
  EXPECT_EQ(context.value("rlkit_schema", ""), "rlkit-benchmark/1");
  EXPECT_EQ(context.value("rlkit_mode", ""), "quick");
  struct utsname names {};
  ASSERT_EQ(uname(&names), 0);
  ASSERT_TRUE(context.contains("rlkit_platform"));
  ASSERT_TRUE(context["rlkit_platform"].is_string());
  const json platform =
      json::parse(context["rlkit_platform"].get<std::string>(), nullptr, false);
  ASSERT_TRUE(platform.is_object()) << "rlkit_platform is not a JSON object";
  EXPECT_EQ(platform.value("kernel_release", ""), names.release);
  EXPECT_EQ(platform.value("architecture", ""), names.machine);
  EXPECT_EQ(platform.value("os", ""), names.sysname);
  EXPECT_EQ(platform.value("page_size", 0), sysconf(_SC_PAGESIZE));
  EXPECT_EQ(context.value("rlkit_kernel_release", ""), names.release);
  EXPECT_EQ(context.value("rlkit_architecture", ""), names.machine);
  for (const char* key : {"rlkit_cpu_model", "rlkit_clocksource",
                          "rlkit_virtualization", "rlkit_libc"}) {
    ASSERT_TRUE(context.contains(key)) << key;
    EXPECT_TRUE(context[key].is_string()) << key;
    EXPECT_FALSE(context[key].get<std::string>().empty()) << key;
  }
}

TEST_F(QuickRun, ReportsExactlyTheExpectedBenchmarks) {
  const auto by_name = runs();
  std::set<std::string> reported;
  for (const auto& [name, entry] : by_name) reported.insert(name);
  const std::set<std::string> expected(expected_names.begin(),
                                       expected_names.end());
  for (const auto& name : expected) {
    EXPECT_EQ(reported.count(name), 1u) << name << " was not reported";
  }
  for (const auto& name : reported) {
    EXPECT_EQ(expected.count(name), 1u) << name << " is not expected here";
  }
  EXPECT_EQ(by_name.count("null_syscall"), 1u);
}

TEST_F(QuickRun, RanOnceWithoutErrors) {
  for (const auto& [name, entry] : runs()) {
    EXPECT_FALSE(entry.value("error_occurred", false))
        << name << ": " << entry.value("error_message", "");
    EXPECT_EQ(entry.at("repetitions"), 1) << name;
  }
}

TEST_F(QuickRun, RawAndRlkitComeInPairs) {
  const auto by_name = runs();
  int pairs = 0;
  for (const auto& name : expected_names) {
    auto parts = split(name);
    int marks = 0;
    for (auto& part : parts) {
      if (part == "raw" || part == "rlkit") {
        ++marks;
        part = part == "raw" ? "rlkit" : "raw";
      }
    }
    EXPECT_LE(marks, 1) << name << " has more than one raw/rlkit segment";
    if (marks == 0 || unpaired.count(name) != 0) continue;
    const std::string partner = join(parts);
    EXPECT_EQ(by_name.count(partner), 1u) << name << " lacks " << partner;
    ++pairs;
  }
  // Each pair is counted from both sides.
  EXPECT_EQ(pairs % 2, 0);
  EXPECT_GE(pairs / 2, 20);
}

TEST_F(QuickRun, TimesArePositiveAndFinite) {
  for (const auto& [name, entry] : runs()) {
    EXPECT_GT(entry.value("iterations", 0), 0) << name;
    EXPECT_EQ(entry.value("time_unit", ""), "ns") << name;
    for (const char* key : {"real_time", "cpu_time"}) {
      ASSERT_TRUE(entry.contains(key) && entry[key].is_number())
          << name << " " << key;
      const double value = entry[key];
      EXPECT_TRUE(std::isfinite(value) && value > 0)
          << name << " " << key << " = " << value;
    }
  }
}

TEST_F(QuickRun, UsageCountersAccompanyEveryBenchmark) {
  const double memory =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  for (const auto& [name, entry] : runs()) {
    if (name == without_counters) {
      for (const auto& counter : counter_names) {
        EXPECT_FALSE(entry.contains(counter)) << name << " has " << counter;
      }
      continue;
    }
    for (const auto& counter : counter_names) {
      ASSERT_TRUE(entry.contains(counter) && entry[counter].is_number())
          << name << " lacks " << counter;
      const double value = entry[counter];
      EXPECT_TRUE(std::isfinite(value) && value >= 0)
          << name << " " << counter << " = " << value;
    }
    const double peak = entry["rlkit_maxrss_bytes"];
    EXPECT_GT(peak, 0) << name;
    EXPECT_LT(peak, memory) << name;
  }
}

// Google Benchmark measures CPU time with the thread CPU clock of each
// thread; the counters take it from getrusage. For pure user-space work the
// two must agree, on one thread and on two: a helper that sampled thread 0
// alone would report about half on two.
TEST_F(QuickRun, CounterCpuTimeAgreesWithGoogleBenchmark) {
  const auto by_name = runs();
  for (const char* name : {"helper/cpu_burn", "helper/cpu_burn/threads:2"}) {
    ASSERT_EQ(by_name.count(name), 1u) << name;
    const json& entry = by_name.at(name);
    const double benchmark_ns = entry.at("cpu_time");
    const double counters_ns = (entry.value("rlkit_utime_us", 0.0) +
                                entry.value("rlkit_stime_us", 0.0)) *
                               1000;
    EXPECT_NEAR(counters_ns / benchmark_ns, 1.0, 0.2)
        << name << ": counters say " << counters_ns
        << " ns per iteration, Google Benchmark " << benchmark_ns;
  }
}

TEST_F(QuickRun, MatchesTheReportSchema) {
  const Outcome& outcome = quick_run();
  EXPECT_TRUE(WIFEXITED(outcome.schema_status) &&
              WEXITSTATUS(outcome.schema_status) == 0)
      << "python3 jsonschema (python3-jsonschema, installed by "
         "scripts/bootstrap) rejected the file:\n"
      << outcome.schema_log;
}

// Repetitions give aggregates, and Google Benchmark computes a coefficient
// of variation for counters whose mean is zero (major faults) as NaN, which
// JSON cannot hold: the file must still parse strictly, with null there.
TEST(Aggregates, NonNumbersBecomeNullAndTheFileIsStrictJson) {
  char pattern[] = "/tmp/rlkit-bench-test.XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const fs::path dir = pattern;
  const fs::path json_path = dir / "aggregates.json";
  const int status =
      run({RLKIT_BENCH_EXE, "--benchmark_filter=^getpagesize/raw$",
           "--benchmark_repetitions=2", "--benchmark_min_time=0.001",
           "--benchmark_out=" + json_path.string()},
          dir / "log");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << read_text(dir / "log");
  std::ifstream in(json_path);
  const json report = json::parse(in, nullptr, /*allow_exceptions=*/false);
  fs::remove_all(dir);
  ASSERT_TRUE(report.is_object()) << "not strict JSON";
  bool saw_cv = false;
  for (const auto& entry : report.at("benchmarks")) {
    if (entry.value("aggregate_name", "") != "cv") continue;
    saw_cv = true;
    // getpagesize never faults on a page from disk: mean 0, so 0/0.
    EXPECT_TRUE(entry.at("rlkit_majflt").is_null()) << entry.dump();
  }
  EXPECT_TRUE(saw_cv);
}

}  // namespace
