// rlkit-conformance: every check of the conformance suite as a GoogleTest
// test, run in parallel by one runner, with an optional JSON report.
//
//   rlkit-conformance [--report FILE] [--probe PATH] [--launcher "PREFIX"]
//                     [--jobs N] [--slowdown F] [gtest flags]
//
// RLKIT_REPORT, RLKIT_PROBE and RLKIT_LAUNCHER are read when the options are
// not given. The launcher is split at spaces into a program and its
// arguments (no shell is involved): "qemu-aarch64 -L /usr/aarch64-linux-gnu".
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

#include "check.hpp"
#include "runner.hpp"

namespace {

using conformance::Runner;

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

std::vector<std::string> split_words(const std::string& text) {
  std::istringstream stream(text);
  std::vector<std::string> words;
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

// gtest names may not hold '-', and '.' separates suite from test in filters:
// "children.only-after-wait" is children.only_after_wait.
std::pair<std::string, std::string> gtest_name(const std::string& id) {
  const auto dot = id.find('.');
  std::string name = id.substr(dot + 1);
  for (char& c : name) {
    if (c == '.' || c == '-') c = '_';
  }
  return {id.substr(0, dot), name};
}

Runner* g_runner = nullptr;

class CheckTest : public testing::Test {
 public:
  explicit CheckTest(std::size_t index) : index_(index) {}
  void TestBody() override {
    const auto& result = g_runner->result(index_);
    const auto& outcome = result.outcome;
    RecordProperty("expected", outcome.expected);
    RecordProperty("observed", outcome.observed);
    switch (outcome.verdict) {
      case conformance::Verdict::pass:
        if (!GTEST_FLAG_GET(brief)) {
          std::cout << "  observed: " << outcome.observed << "\n";
        }
        break;
      case conformance::Verdict::skip:
        GTEST_SKIP() << outcome.reason;
      case conformance::Verdict::fail:
        ADD_FAILURE() << result.id << ": " << outcome.reason
                      << "\n  verifies: " << result.verifies
                      << "\n  expected: " << outcome.expected
                      << "\n  observed: " << outcome.observed;
        break;
    }
  }

 private:
  std::size_t index_;
};

// Starts the runner with the checks the gtest filter (and sharding) kept,
// once gtest has decided which those are.
class RunnerEnvironment : public testing::Environment {
 public:
  explicit RunnerEnvironment(std::map<std::string, std::size_t> by_name)
      : by_name_(std::move(by_name)) {}
  void SetUp() override {
    std::vector<std::size_t> selected;
    const auto* unit = testing::UnitTest::GetInstance();
    for (int s = 0; s < unit->total_test_suite_count(); ++s) {
      const auto* suite = unit->GetTestSuite(s);
      for (int t = 0; t < suite->total_test_count(); ++t) {
        const auto* info = suite->GetTestInfo(t);
        const auto it = by_name_.find(std::string(info->test_suite_name()) +
                                      "." + info->name());
        if (it != by_name_.end() && info->should_run() &&
            it->second != Runner::final_check) {
          selected.push_back(it->second);
        }
      }
    }
    std::sort(selected.begin(), selected.end());
    g_runner->start(selected);
  }

 private:
  std::map<std::string, std::size_t> by_name_;
};

// Parses the options, registers every check with gtest and runs them; main
// reports what escapes.
int run(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);

  conformance::RunOptions options;
  const auto here =
      std::filesystem::read_symlink("/proc/self/exe").parent_path();
  options.probe = env_or("RLKIT_PROBE", (here / "rlkit-probe").string());
  options.report = env_or("RLKIT_REPORT", "");
  std::string launcher = env_or("RLKIT_LAUNCHER", "");
  CLI::App app{
      "rlkit conformance suite: proves in child processes that every resource "
      "limit is "
      "enforced and all usage is accounted"};
  app.add_option("--report", options.report,
                 "write the JSON report to FILE (atomically)");
  app.add_option(
      "--probe", options.probe,
      "the probe to judge (default: rlkit-probe beside this program)");
  app.add_option("--launcher", launcher,
                 "a prefix to start the probe through, e.g. \"qemu-aarch64 -L "
                 "/usr/aarch64-linux-gnu\"");
  app.add_option("--jobs", options.jobs, "checks run at once (default: all)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--slowdown", options.slowdown,
                 "multiply every probe's deadline by this (default: 1, or 5 "
                 "with a launcher)")
      ->check(CLI::NonNegativeNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  options.launcher = split_words(launcher);
  if (::access(options.probe.c_str(), X_OK) != 0 && options.launcher.empty()) {
    std::cerr << "rlkit-conformance: the probe " << options.probe
              << " is not an executable file; build it, or give --probe PATH\n";
    return 2;
  }

  Runner runner(options);
  g_runner = &runner;
  std::map<std::string, std::size_t> by_name;
  const auto& checks = conformance::all_checks();
  auto register_check = [&](const std::string& id, std::size_t index) {
    const auto [suite, name] = gtest_name(id);
    testing::RegisterTest(
        suite.c_str(), name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
        [index]() -> testing::Test* { return new CheckTest(index); });
    by_name[suite + "." + name] = index;
  };
  for (std::size_t i = 0; i < checks.size(); ++i)
    register_check(checks[i].id, i);
  register_check("harness.leaves-nothing", Runner::final_check);
  testing::AddGlobalTestEnvironment(new RunnerEnvironment(by_name));

  const int status = RUN_ALL_TESTS();
  try {
    runner.finish();
  } catch (const std::exception& e) {
    std::cerr << "rlkit-conformance: " << e.what() << "; no report written\n";
    return 1;
  }
  for (const auto& note : runner.notes()) {
    std::cerr << "rlkit-conformance: " << note << "\n";
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  // 2, as for a missing probe: the suite could not run, which is not a
  // failed check (1).
  constexpr int exit_harness_error = 2;
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "rlkit-conformance: cannot run the suite: " << e.what()
              << "\n";
  } catch (...) {
    std::cerr << "rlkit-conformance: cannot run the suite: an error of "
                 "unknown type\n";
  }
  return exit_harness_error;
}
