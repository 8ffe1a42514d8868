// Other ways a user might get what getrusage and getpagesize give: the
// /proc files, the CPU-time clocks, times(2) and sysconf(3). The /proc
// readers stop at the text; parsing it is the user's extra cost.
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <vector>

#include "support.hpp"

namespace rlkit::bench {
namespace {

template <const char* path>
void read_proc(benchmark::State& state) {
  std::vector<char> buffer(8192);
  run_loop(state, [&] {
    benchmark::DoNotOptimize(read_file(path, buffer));
    benchmark::ClobberMemory();
  });
}

constexpr char proc_self_stat[] = "/proc/self/stat";
constexpr char proc_self_status[] = "/proc/self/status";

template <clockid_t clock>
void read_clock(benchmark::State& state) {
  run_loop(state, [] {
    struct timespec now {};
    if (::clock_gettime(clock, &now) != 0) throw_errno("clock_gettime");
    benchmark::DoNotOptimize(now);
  });
}

void times(benchmark::State& state) {
  run_loop(state, [] {
    struct tms t {};
    if (::times(&t) == static_cast<clock_t>(-1)) throw_errno("times");
    benchmark::DoNotOptimize(t);
  });
}

void sysconf_pagesize(benchmark::State& state) {
  run_loop(state, [] {
    const long size = ::sysconf(_SC_PAGESIZE);
    if (size < 0) throw_errno("sysconf(_SC_PAGESIZE)");
    benchmark::DoNotOptimize(size);
  });
}

// The one system call inside describe_platform, as its floor.
void uname(benchmark::State& state) {
  run_loop(state, [] {
    struct utsname names {};
    if (::uname(&names) != 0) throw_errno("uname");
    benchmark::DoNotOptimize(names);
  });
}

}  // namespace

void register_alternative_benchmarks(Mode) {
  using benchmark::RegisterBenchmark;
  RegisterBenchmark("alternative/proc_self_stat", read_proc<proc_self_stat>);
  RegisterBenchmark("alternative/proc_self_status",
                    read_proc<proc_self_status>);
  RegisterBenchmark("alternative/clock_gettime_process",
                    read_clock<CLOCK_PROCESS_CPUTIME_ID>);
  RegisterBenchmark("alternative/clock_gettime_thread",
                    read_clock<CLOCK_THREAD_CPUTIME_ID>);
  // Answered in user space by the vDSO: no system call at all.
  RegisterBenchmark("alternative/clock_gettime_monotonic",
                    read_clock<CLOCK_MONOTONIC>);
  RegisterBenchmark("alternative/times", times);
  RegisterBenchmark("alternative/sysconf_pagesize", sysconf_pagesize);
  RegisterBenchmark("alternative/uname", uname);
}

}  // namespace rlkit::bench
