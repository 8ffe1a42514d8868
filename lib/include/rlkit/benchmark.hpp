// Resource usage per iteration for Google Benchmark loops: CPU time, page
// faults, context switches and peak RSS next to Google Benchmark's times.
//
// Construct rlkit::UsageCounters right before the timing loop and finish it
// right after; it samples getrusage(2) twice, both outside the loop, and
// adds these counters to the benchmark's results:
//
//   rlkit_utime_us      user CPU time, microseconds per iteration
//   rlkit_stime_us      system CPU time, microseconds per iteration
//   rlkit_minflt        page faults served without I/O, per iteration
//   rlkit_majflt        page faults that needed I/O, per iteration
//   rlkit_nvcsw         voluntary context switches, per iteration
//   rlkit_nivcsw        involuntary context switches, per iteration
//   rlkit_maxrss_bytes  the process's peak resident set size after the loop
//
// The per-iteration ones carry benchmark::Counter::kAvgIterations, so
// Google Benchmark divides the difference by the iteration count of the run
// it reports (the sum over all threads when the benchmark runs threads);
// the peak RSS is a high-water mark, not a count, and carries no flag. The
// prefix keeps them apart from Google Benchmark's own keys ("iterations",
// "real_time", ...) in its JSON output.
//
//   static void BM_parse(benchmark::State& state) {
//     const std::string text = make_input();  // setup: not counted
//     rlkit::UsageCounters usage(state);
//     for (auto _ : state) benchmark::DoNotOptimize(parse(text));
//     usage.finish();
//     release_caches();  // teardown: not counted either
//   }
//
// Without the finish() call the destructor finishes, at the end of the
// function, so any teardown after the loop is then counted too.
//
// The source is the cheapest correct one: RUSAGE_THREAD when the benchmark
// runs on one thread, since a process-wide sample costs more with every
// thread the process has; RUSAGE_SELF when it runs on several
// (->Threads(n)). Then only thread 0 samples: Google Benchmark holds every
// thread at a barrier as the loop starts and again as it ends, so thread 0's
// sample before its loop precedes every thread's first iteration, and its
// sample after its loop follows every thread's last. Code that starts
// threads of its own inside the loop needs UsageScope::process.
//
// State::PauseTiming() does not pause these counters: usage is counted from
// the first sample to the second.
#pragma once

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <string>
#include <system_error>

#include "rlkit/meter.hpp"
#include "rlkit/usage.hpp"

namespace rlkit {

enum class UsageScope {
  // The calling thread for a single-threaded benchmark, else the process.
  automatic,
  // Always the whole process, for code that runs threads of its own.
  process,
};

class UsageCounters {
 public:
  explicit UsageCounters(benchmark::State& state,
                         UsageScope scope = UsageScope::automatic) noexcept
      : state_(state),
        who_(choose(state, scope)),
        sampling_(state.thread_index() == 0) {
    if (sampling_) before_ = rlkit::getrusage(who_, error_);
  }

  UsageCounters(const UsageCounters&) = delete;
  UsageCounters& operator=(const UsageCounters&) = delete;

  ~UsageCounters() { finish(); }

  // Takes the second sample and sets the counters. Later calls do nothing.
  // A failed sample marks the benchmark as failed rather than reporting
  // counters that are not true.
  void finish() noexcept {
    if (!sampling_) return;
    sampling_ = false;
    if (state_.error_occurred()) return;
    Usage after;
    if (!error_) after = rlkit::getrusage(who_, error_);
    if (error_) {
      const std::string message = "rlkit::UsageCounters: getrusage(" +
                                  std::string(name(who_)) +
                                  ") failed: " + error_.message();
      state_.SkipWithError(message.c_str());
      return;
    }
    const Usage used = difference(before_, after);
    set_per_iteration("rlkit_utime_us",
                      static_cast<double>(used.user_time.count()));
    set_per_iteration("rlkit_stime_us",
                      static_cast<double>(used.system_time.count()));
    set_per_iteration("rlkit_minflt", static_cast<double>(used.minflt));
    set_per_iteration("rlkit_majflt", static_cast<double>(used.majflt));
    set_per_iteration("rlkit_nvcsw", static_cast<double>(used.nvcsw));
    set_per_iteration("rlkit_nivcsw", static_cast<double>(used.nivcsw));
    state_.counters["rlkit_maxrss_bytes"] =
        benchmark::Counter(static_cast<double>(after.maxrss_bytes()),
                           benchmark::Counter::kDefaults);
  }

  // The source sampled: Who::thread or Who::self.
  Who who() const noexcept { return who_; }

 private:
  static Who choose(const benchmark::State& state, UsageScope scope) noexcept {
#ifdef RUSAGE_THREAD
    if (scope == UsageScope::automatic && state.threads() == 1) {
      return Who::thread;
    }
#else
    static_cast<void>(state);
    static_cast<void>(scope);
#endif
    return Who::self;
  }

  void set_per_iteration(const char* key, double total) {
    state_.counters[key] =
        benchmark::Counter(total, benchmark::Counter::kAvgIterations);
  }

  benchmark::State& state_;
  Who who_;
  bool sampling_;  // only thread 0 samples, and only until finish()
  std::error_code error_;
  Usage before_;
};

}  // namespace rlkit
