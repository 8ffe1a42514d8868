// What rlkit::UsageCounters and rlkit::Meter cost, and whether the counters
// agree with Google Benchmark's own CPU clock.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>

#include "rlkit/benchmark.hpp"
#include "rlkit/meter.hpp"
#include "support.hpp"

namespace rlkit::bench {
namespace {

// The same loop with the counters around it ("rlkit") and without
// ("raw"): they sample outside the loop, so the times should not differ.
void loop_raw(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(::syscall(SYS_getppid));
}

void loop_rlkit(benchmark::State& state) {
  run_loop(state, [] { benchmark::DoNotOptimize(::syscall(SYS_getppid)); });
}

// One construction and finish() per iteration: the fixed cost that the
// counters add to each run of a benchmark, outside its timed loop. The
// counters of the run itself are set last, by run_loop's own instance.
void usage_counters(benchmark::State& state) {
  run_loop(state, [&state] {
    UsageCounters inner(state);
    inner.finish();
  });
}

void meter_raw(benchmark::State& state) {
  run_loop(state, [] {
    struct rusage before {};
    struct rusage after {};
    if (::getrusage(RUSAGE_THREAD, &before) != 0) throw_errno("getrusage");
    const auto started = std::chrono::steady_clock::now();
    const auto stopped = std::chrono::steady_clock::now();
    if (::getrusage(RUSAGE_THREAD, &after) != 0) throw_errno("getrusage");
    benchmark::DoNotOptimize(stopped - started);
    benchmark::DoNotOptimize(before);
    benchmark::DoNotOptimize(after);
  });
}

void meter_rlkit(benchmark::State& state) {
  run_loop(state, [] {
    const Meter meter;
    benchmark::DoNotOptimize(meter.stop());
  });
}

// Pure user-space work, so that the CPU time the counters report can be
// held against the CPU time Google Benchmark measures itself, on one
// thread and on two.
void cpu_burn(benchmark::State& state) {
  run_loop(state, [] {
    std::uint64_t x = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 2000; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      benchmark::DoNotOptimize(x);
    }
  });
}

}  // namespace

void register_helper_benchmarks(Mode) {
  using benchmark::RegisterBenchmark;
  RegisterBenchmark("helper/loop/raw", loop_raw);
  RegisterBenchmark("helper/loop/rlkit", loop_rlkit);
  RegisterBenchmark("helper/usage_counters", usage_counters);
  RegisterBenchmark("helper/meter/raw", meter_raw);
  RegisterBenchmark("helper/meter/rlkit", meter_rlkit);
  RegisterBenchmark("helper/cpu_burn", cpu_burn);
  RegisterBenchmark("helper/cpu_burn", cpu_burn)->Threads(2);
}

}  // namespace rlkit::bench
