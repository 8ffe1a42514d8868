// What the benchmark files share: how a benchmark runs its loop, the
// programs' one errno helper, and the fixtures some benchmarks need (idle
// threads, a live child, a trivial program to spawn).
#pragma once

#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sys/types.h>

#include <cstddef>
#include <exception>
#include <string>
#include <vector>

#include "rlkit/benchmark.hpp"

namespace rlkit::bench {

enum class Mode { quick, full };

// Each file registers its own benchmarks; the mode decides the minimum
// time of the slow ones.
void register_call_benchmarks(Mode mode);
void register_thread_benchmarks(Mode mode);
void register_alternative_benchmarks(Mode mode);
void register_spawn_benchmarks(Mode mode);
void register_helper_benchmarks(Mode mode);

// The one place in the benchmarks where an errno becomes an exception.
[[noreturn]] void throw_errno(const std::string& what);

// Runs `body` once per iteration, with rlkit::UsageCounters around the
// loop. An exception ends the benchmark as failed with its message (Google
// Benchmark itself would terminate). `body` is inlined, so the raw and the
// wrapped call of a pair run in exactly the same loop.
template <typename Body>
void run_loop(benchmark::State& state, Body&& body) {
  UsageCounters usage(state);
  try {
    for (auto _ : state) body();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
  usage.finish();
}

// Runs a benchmark's setup and loop: an exception from the setup ends the
// benchmark as failed with its message.
template <typename Fn>
void guarded(benchmark::State& state, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// Threads that do nothing but wait, blocked in the kernel, so that the
// process has them while other code runs.
class ParkedThreads {
 public:
  explicit ParkedThreads(int count);
  ParkedThreads(const ParkedThreads&) = delete;
  ParkedThreads& operator=(const ParkedThreads&) = delete;
  ~ParkedThreads();

 private:
  void release() noexcept;

  int wake_read_ = -1;
  int wake_write_ = -1;
  std::vector<pthread_t> threads_;
};

// A forked child that waits for a signal, to be a live process other than
// the caller. It dies with SIGKILL, and with its parent.
class SleepingChild {
 public:
  SleepingChild();
  SleepingChild(const SleepingChild&) = delete;
  SleepingChild& operator=(const SleepingChild&) = delete;
  ~SleepingChild();

  pid_t pid() const noexcept { return pid_; }

 private:
  pid_t pid_;
};

// The program every spawn benchmark starts: it exits with status 0 at once.
extern const char* const trivial_program;

// Reads the whole file at `path` into `buffer` with open, read and close,
// as a user would without a library, and returns the bytes read.
std::size_t read_file(const char* path, std::vector<char>& buffer);

}  // namespace rlkit::bench
