// getrusage(RUSAGE_SELF) sums over every thread of the process, so its cost
// grows with their number; RUSAGE_THREAD reads the caller alone. The
// process CPU clock sums the same way. Each benchmark runs with 1 to 1024
// idle threads parked in the process.
#include <sys/resource.h>
#include <time.h>

#include "rlkit/usage.hpp"
#include "support.hpp"

namespace rlkit::bench {
namespace {

template <typename Body>
void with_parked_threads(benchmark::State& state, Body body) {
  guarded(state, [&] {
    const ParkedThreads parked(static_cast<int>(state.range(0)));
    run_loop(state, body);
  });
}

template <int who>
void getrusage_raw(benchmark::State& state) {
  with_parked_threads(state, [] {
    struct rusage usage {};
    if (::getrusage(who, &usage) != 0) throw_errno("getrusage");
    benchmark::DoNotOptimize(usage);
  });
}

template <Who who>
void getrusage_rlkit(benchmark::State& state) {
  with_parked_threads(state,
                      [] { benchmark::DoNotOptimize(rlkit::getrusage(who)); });
}

void process_clock(benchmark::State& state) {
  with_parked_threads(state, [] {
    struct timespec now {};
    if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) != 0) {
      throw_errno("clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    }
    benchmark::DoNotOptimize(now);
  });
}

void with_thread_counts(benchmark::internal::Benchmark* b) {
  b->ArgName("parked_threads")->Arg(1)->Arg(16)->Arg(256)->Arg(1024);
}

}  // namespace

void register_thread_benchmarks(Mode) {
  using benchmark::RegisterBenchmark;
  with_thread_counts(
      RegisterBenchmark("getrusage/self/raw", getrusage_raw<RUSAGE_SELF>));
  with_thread_counts(
      RegisterBenchmark("getrusage/self/rlkit", getrusage_rlkit<Who::self>));
  with_thread_counts(
      RegisterBenchmark("getrusage/thread/raw", getrusage_raw<RUSAGE_THREAD>));
  with_thread_counts(RegisterBenchmark("getrusage/thread/rlkit",
                                       getrusage_rlkit<Who::thread>));
  with_thread_counts(
      RegisterBenchmark("alternative/clock_gettime_process", process_clock));
}

}  // namespace rlkit::bench
