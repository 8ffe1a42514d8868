// A Google Benchmark of the consumer's own code with rlkit's usage counters
// beside its times.
#include <benchmark/benchmark.h>
#include <rlkit/benchmark.hpp>

#include <cstddef>
#include <vector>

namespace {

void fill_vector(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  rlkit::UsageCounters usage(state);
  for (auto _ : state) {
    std::vector<int> v(size, 1);
    benchmark::DoNotOptimize(v.data());
  }
  usage.finish();
}
BENCHMARK(fill_vector)->Arg(1 << 10)->Arg(1 << 20);

// On two threads the counters cover the whole process.
void sum_on_threads(benchmark::State& state) {
  rlkit::UsageCounters usage(state);
  for (auto _ : state) {
    long sum = 0;
    for (int i = 0; i < 1000; ++i) benchmark::DoNotOptimize(sum += i);
  }
  usage.finish();
}
BENCHMARK(sum_on_threads)->Threads(2);

}  // namespace

BENCHMARK_MAIN();
