// rlkit-bench: runs the micro-benchmarks in a quick or a full mode and adds
// the platform description to Google Benchmark's output.
//
//   rlkit-bench --quick --benchmark_out=quick.json
//   rlkit-bench --full --benchmark_out=full.json
//
// Every flag this program does not know goes to Google Benchmark, after the
// mode's own, so that it overrides them (--benchmark_repetitions=15).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "rlkit/json.hpp"
#include "rlkit/platform.hpp"
#include "support.hpp"

namespace {

using rlkit::bench::Mode;

std::vector<std::string> mode_flags(Mode mode) {
  if (mode == Mode::quick) {
    // Debian's Google Benchmark 1.7.1 takes the minimum time as a bare
    // number of seconds.
    return {"--benchmark_min_time=0.01", "--benchmark_repetitions=1"};
  }
  // Nine repetitions are the fewest a rank test between two runs can work
  // with; every repetition is written, not only the aggregates, because
  // that test needs them.
  return {"--benchmark_min_time=0.05", "--benchmark_repetitions=9",
          "--benchmark_enable_random_interleaving=true"};
}

void add_platform_context(Mode mode) {
  benchmark::AddCustomContext("rlkit_schema", "rlkit-benchmark/1");
  benchmark::AddCustomContext("rlkit_mode",
                              mode == Mode::quick ? "quick" : "full");
  const rlkit::Platform platform = rlkit::describe_platform();
  benchmark::AddCustomContext("rlkit_platform",
                              nlohmann::json(platform).dump());
  // A few parts again as plain strings, for Google Benchmark's own tools
  // and for people reading the file.
  benchmark::AddCustomContext("rlkit_os", platform.os);
  benchmark::AddCustomContext("rlkit_kernel_release", platform.kernel_release);
  benchmark::AddCustomContext("rlkit_architecture", platform.architecture);
  benchmark::AddCustomContext("rlkit_libc",
                              platform.libc + " " + platform.libc_version);
  benchmark::AddCustomContext("rlkit_compiler", platform.compiler);
  benchmark::AddCustomContext("rlkit_cpu_model", platform.cpu_model);
  benchmark::AddCustomContext("rlkit_clocksource",
                              platform.clocksource.value_or("unknown"));
  std::string virtualization;
  for (const auto& part : {platform.virtualization.hypervisor,
                           platform.virtualization.container}) {
    if (!part) continue;
    if (!virtualization.empty()) virtualization += ", ";
    virtualization += *part;
  }
  benchmark::AddCustomContext("rlkit_virtualization",
                              virtualization.empty() ? "none" : virtualization);
  benchmark::AddCustomContext("rlkit_capabilities",
                              platform.capabilities.hex());
}

// The console reporter, counting the benchmarks that failed so that the
// exit status can say so.
class CountingReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) ++failed_;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  int failed() const noexcept { return failed_; }

 private:
  int failed_ = 0;
};

// Google Benchmark writes NaN for the coefficient of variation of a counter
// whose mean is zero (a benchmark without major faults, say), and Infinity
// where it divides by zero; JSON has neither, and strict readers reject the
// file. Those values become null; everything else is left as written.
std::string without_non_json_numbers(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (const std::string_view token :
         {"-Infinity", "Infinity", "-NaN", "NaN"}) {
      if (text.compare(i, token.size(), token) == 0) {
        out += "null";
        i += token.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

void rewrite_without_non_json_numbers(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ofstream rewritten(path, std::ios::trunc);
  rewritten << without_non_json_numbers(text.str());
  rewritten.flush();
  if (!rewritten) throw std::runtime_error("cannot write " + path);
}

// Google Benchmark writes its file as it goes: it writes to a temporary
// name beside the target, renamed only once the run has finished.
int run(int argc, char** argv) {
  CLI::App app{
      "Micro-benchmarks of rlkit's calls next to the raw calls they wrap. "
      "Flags not listed here go to Google Benchmark "
      "(--benchmark_filter=REGEX, --benchmark_list_tests, ...)."};
  app.allow_extras();
  bool quick = false;
  bool full = false;
  std::string out;
  auto* quick_flag = app.add_flag("--quick", quick,
                                  "every benchmark briefly, once (for tests)");
  app.add_flag("--full", full, "nine repetitions in random order (the default)")
      ->excludes(quick_flag);
  app.add_option("--benchmark_out", out,
                 "write Google Benchmark's JSON here; it appears complete "
                 "or not at all");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  const Mode mode = quick ? Mode::quick : Mode::full;

  const std::string partial =
      out.empty() ? std::string()
                  : out + ".partial." + std::to_string(::getpid());
  std::vector<std::string> args{argv[0]};
  for (auto& flag : mode_flags(mode)) args.push_back(std::move(flag));
  for (auto& extra : app.remaining()) args.push_back(std::move(extra));
  if (!partial.empty()) args.push_back("--benchmark_out=" + partial);
  std::vector<char*> bench_argv;
  bench_argv.reserve(args.size() + 1);
  for (auto& arg : args) bench_argv.push_back(arg.data());
  bench_argv.push_back(nullptr);
  int bench_argc = static_cast<int>(args.size());

  try {
    benchmark::Initialize(&bench_argc, bench_argv.data());
    if (benchmark::ReportUnrecognizedArguments(bench_argc, bench_argv.data())) {
      return 2;
    }
    add_platform_context(mode);
    rlkit::bench::register_call_benchmarks(mode);
    rlkit::bench::register_thread_benchmarks(mode);
    rlkit::bench::register_alternative_benchmarks(mode);
    rlkit::bench::register_spawn_benchmarks(mode);
    rlkit::bench::register_helper_benchmarks(mode);

    CountingReporter display(isatty(STDOUT_FILENO)
                                 ? benchmark::ConsoleReporter::OO_Defaults
                                 : benchmark::ConsoleReporter::OO_Tabular);
    benchmark::RunSpecifiedBenchmarks(&display);
    benchmark::Shutdown();
    if (!partial.empty()) {
      rewrite_without_non_json_numbers(partial);
      std::filesystem::rename(partial, out);
    }
    if (display.failed() > 0) {
      std::cerr << "rlkit-bench: " << display.failed()
                << " benchmark run(s) failed; their error_message says why\n";
      return 1;
    }
    return 0;
  } catch (...) {
    std::error_code ignored;
    if (!partial.empty()) std::filesystem::remove(partial, ignored);
    throw;
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "rlkit-bench: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "rlkit-bench: unknown exception\n";
  }
  return 1;
}
