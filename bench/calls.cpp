// Each call of the library next to the raw call it wraps, under names that
// differ only in a "raw" or "rlkit" segment, and the null system call that
// is the floor of them all.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "rlkit/limits.hpp"
#include "rlkit/platform.hpp"
#include "rlkit/proc_limits.hpp"
#include "rlkit/usage.hpp"
#include "support.hpp"

namespace rlkit::bench {
namespace {

// getppid cannot fail and has no vDSO shortcut; syscall() keeps libc from
// answering it from a cache.
void null_syscall(benchmark::State& state) {
  run_loop(state, [] { benchmark::DoNotOptimize(::syscall(SYS_getppid)); });
}

void getrlimit_raw(benchmark::State& state) {
  run_loop(state, [] {
    struct rlimit limits {};
    if (::getrlimit(RLIMIT_NOFILE, &limits) != 0) {
      throw_errno("getrlimit(RLIMIT_NOFILE)");
    }
    benchmark::DoNotOptimize(limits);
  });
}

void getrlimit_rlkit(benchmark::State& state) {
  run_loop(state, [] {
    benchmark::DoNotOptimize(rlkit::getrlimit(Resource::nofile));
  });
}

// Setting the limits already in force needs no privilege and changes
// nothing, which is what lets a benchmark call it in a loop.
void setrlimit_raw(benchmark::State& state) {
  guarded(state, [&] {
    struct rlimit current {};
    if (::getrlimit(RLIMIT_NOFILE, &current) != 0) {
      throw_errno("getrlimit(RLIMIT_NOFILE)");
    }
    run_loop(state, [&] {
      if (::setrlimit(RLIMIT_NOFILE, &current) != 0) {
        throw_errno("setrlimit(RLIMIT_NOFILE)");
      }
      benchmark::ClobberMemory();
    });
  });
}

void setrlimit_rlkit(benchmark::State& state) {
  guarded(state, [&] {
    const Limits current = rlkit::getrlimit(Resource::nofile);
    run_loop(state, [&] {
      rlkit::setrlimit(Resource::nofile, current);
      benchmark::ClobberMemory();
    });
  });
}

void prlimit_self_raw(benchmark::State& state) {
  run_loop(state, [] {
    struct rlimit limits {};
    if (::prlimit(0, RLIMIT_NOFILE, nullptr, &limits) != 0) {
      throw_errno("prlimit(0, RLIMIT_NOFILE)");
    }
    benchmark::DoNotOptimize(limits);
  });
}

void prlimit_self_rlkit(benchmark::State& state) {
  run_loop(state, [] {
    benchmark::DoNotOptimize(rlkit::prlimit(0, Resource::nofile));
  });
}

// Another process costs a pid lookup and a permission check that pid 0
// skips.
void prlimit_child_raw(benchmark::State& state) {
  guarded(state, [&] {
    const SleepingChild child;
    const pid_t pid = child.pid();
    run_loop(state, [pid] {
      struct rlimit limits {};
      if (::prlimit(pid, RLIMIT_NOFILE, nullptr, &limits) != 0) {
        throw_errno("prlimit(child, RLIMIT_NOFILE)");
      }
      benchmark::DoNotOptimize(limits);
    });
  });
}

void prlimit_child_rlkit(benchmark::State& state) {
  guarded(state, [&] {
    const SleepingChild child;
    const pid_t pid = child.pid();
    run_loop(state, [pid] {
      benchmark::DoNotOptimize(rlkit::prlimit(pid, Resource::nofile));
    });
  });
}

template <int who>
void getrusage_raw(benchmark::State& state) {
  run_loop(state, [] {
    struct rusage usage {};
    if (::getrusage(who, &usage) != 0) throw_errno("getrusage");
    benchmark::DoNotOptimize(usage);
  });
}

template <Who who>
void getrusage_rlkit(benchmark::State& state) {
  run_loop(state, [] { benchmark::DoNotOptimize(rlkit::getrusage(who)); });
}

// glibc declares getpagesize const, so a direct call in a loop may be
// hoisted out of it. Each side is a function of the same shape reached
// through a pointer the compiler must reload; inside it, the call is made
// as a user would write it, so the wrapper is inlined there as it would be
// in their code.
std::size_t (*volatile raw_getpagesize)() = [] {
  return static_cast<std::size_t>(::getpagesize());
};
std::size_t (*volatile rlkit_getpagesize)() = [] {
  return rlkit::getpagesize();
};

void getpagesize_raw(benchmark::State& state) {
  run_loop(state, [] { benchmark::DoNotOptimize(raw_getpagesize()); });
}

void getpagesize_rlkit(benchmark::State& state) {
  run_loop(state, [] { benchmark::DoNotOptimize(rlkit_getpagesize()); });
}

// The raw side reads the file and stops there; the library also parses it.
void proc_limits_raw(benchmark::State& state) {
  guarded(state, [&] {
    const std::string path = "/proc/" + std::to_string(::getpid()) + "/limits";
    std::vector<char> buffer(8192);
    run_loop(state, [&] {
      benchmark::DoNotOptimize(read_file(path.c_str(), buffer));
      benchmark::ClobberMemory();
    });
  });
}

void proc_limits_rlkit(benchmark::State& state) {
  const pid_t pid = ::getpid();
  run_loop(state,
           [pid] { benchmark::DoNotOptimize(rlkit::read_proc_limits(pid)); });
}

// The parsing alone, to tell it from the reading.
void proc_limits_parse(benchmark::State& state) {
  guarded(state, [&] {
    std::vector<char> buffer(8192);
    const std::size_t size = read_file("/proc/self/limits", buffer);
    const std::string text(buffer.data(), size);
    run_loop(state,
             [&] { benchmark::DoNotOptimize(rlkit::parse_proc_limits(text)); });
  });
}

// No single raw call does what describe_platform does, so it has no pair.
void describe_platform_rlkit(benchmark::State& state) {
  run_loop(state, [] { benchmark::DoNotOptimize(rlkit::describe_platform()); });
}

}  // namespace

void register_call_benchmarks(Mode) {
  using benchmark::RegisterBenchmark;
  RegisterBenchmark("null_syscall", null_syscall);
  RegisterBenchmark("getrlimit/raw", getrlimit_raw);
  RegisterBenchmark("getrlimit/rlkit", getrlimit_rlkit);
  RegisterBenchmark("setrlimit/raw", setrlimit_raw);
  RegisterBenchmark("setrlimit/rlkit", setrlimit_rlkit);
  RegisterBenchmark("prlimit/self/raw", prlimit_self_raw);
  RegisterBenchmark("prlimit/self/rlkit", prlimit_self_rlkit);
  RegisterBenchmark("prlimit/child/raw", prlimit_child_raw);
  RegisterBenchmark("prlimit/child/rlkit", prlimit_child_rlkit);
  RegisterBenchmark("getrusage/self/raw", getrusage_raw<RUSAGE_SELF>);
  RegisterBenchmark("getrusage/self/rlkit", getrusage_rlkit<Who::self>);
  RegisterBenchmark("getrusage/children/raw", getrusage_raw<RUSAGE_CHILDREN>);
  RegisterBenchmark("getrusage/children/rlkit", getrusage_rlkit<Who::children>);
  RegisterBenchmark("getrusage/thread/raw", getrusage_raw<RUSAGE_THREAD>);
  RegisterBenchmark("getrusage/thread/rlkit", getrusage_rlkit<Who::thread>);
  RegisterBenchmark("getpagesize/raw", getpagesize_raw);
  RegisterBenchmark("getpagesize/rlkit", getpagesize_rlkit);
  RegisterBenchmark("proc_limits/raw", proc_limits_raw);
  RegisterBenchmark("proc_limits/rlkit", proc_limits_rlkit);
  RegisterBenchmark("proc_limits/parse", proc_limits_parse);
  RegisterBenchmark("describe_platform/rlkit", describe_platform_rlkit);
}

}  // namespace rlkit::bench
