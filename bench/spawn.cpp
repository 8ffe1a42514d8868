// Starting a trivial program and reaping it with wait4, which collects its
// usage, three ways: what the conformance suite pays for every check.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <stdexcept>
#include <string>

#include "rlkit/child.hpp"
#include "support.hpp"

extern char** environ;

namespace rlkit::bench {
namespace {

void check_exit(const ChildStatus& status) {
  if (!status.exited() || status.exit_code() != 0) {
    throw std::runtime_error(std::string(trivial_program) + " " +
                             status.describe() + ", expected status 0");
  }
}

pid_t posix_spawn_trivial() {
  char* const argv[] = {const_cast<char*>(trivial_program), nullptr};
  pid_t pid = 0;
  const int error =
      ::posix_spawn(&pid, trivial_program, nullptr, nullptr, argv, environ);
  if (error != 0) {
    errno = error;
    throw_errno(std::string("posix_spawn ") + trivial_program);
  }
  return pid;
}

// Reaped with wait4 directly, as the pair of rlkit::wait_child below.
void posix_spawn_raw(benchmark::State& state) {
  run_loop(state, [] {
    const pid_t pid = posix_spawn_trivial();
    int status = 0;
    struct rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0) {
      if (errno != EINTR) throw_errno("wait4 a spawned child");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      throw std::runtime_error(std::string(trivial_program) +
                               " did not exit with status 0");
    }
    benchmark::DoNotOptimize(usage);
  });
}

void posix_spawn_rlkit(benchmark::State& state) {
  run_loop(state, [] {
    const ChildStatus status = rlkit::wait_child(posix_spawn_trivial());
    check_exit(status);
    benchmark::DoNotOptimize(status);
  });
}

void fork_exec(benchmark::State& state) {
  run_loop(state, [] {
    char* const argv[] = {const_cast<char*>(trivial_program), nullptr};
    const pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
      ::execve(trivial_program, argv, environ);
      ::_exit(127);
    }
    const ChildStatus status = rlkit::wait_child(pid);
    check_exit(status);
    benchmark::DoNotOptimize(status);
  });
}

// Boost.Process would reap the child itself and keep the usage from us, so
// the child is reaped with wait4 first and the handle let go of after.
void boost_process(benchmark::State& state) {
  run_loop(state, [] {
    boost::process::child child(boost::process::exe = trivial_program);
    const ChildStatus status = rlkit::wait_child(child.id());
    child.detach();
    check_exit(status);
    benchmark::DoNotOptimize(status);
  });
}

}  // namespace

void register_spawn_benchmarks(Mode) {
  using benchmark::RegisterBenchmark;
  // The parent spends its time blocked in wait4, so its CPU time would say
  // little and take long to reach the minimum time: real time decides (and
  // Google Benchmark adds "/real_time" to the names).
  for (auto* b :
       {RegisterBenchmark("spawn/posix_spawn/raw", posix_spawn_raw),
        RegisterBenchmark("spawn/posix_spawn/rlkit", posix_spawn_rlkit),
        RegisterBenchmark("spawn/fork_exec", fork_exec),
        RegisterBenchmark("spawn/boost_process", boost_process)}) {
    b->UseRealTime();
  }
}

}  // namespace rlkit::bench
