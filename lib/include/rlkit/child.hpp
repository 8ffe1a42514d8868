// A child's own exit status and resource usage, reaped with wait4(2). Unlike
// getrusage(RUSAGE_CHILDREN), which sums every child ever waited for, this
// is one child's usage alone.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <system_error>

#include "rlkit/usage.hpp"

namespace rlkit {

struct ChildStatus {
  pid_t pid = 0;
  int status = 0;  // as wait4 stored it
  Usage usage;

  bool exited() const noexcept;
  int exit_code() const noexcept;  // -1 unless exited()
  bool signaled() const noexcept;
  int signal() const noexcept;  // 0 unless signaled()
  bool core_dumped() const noexcept;

  // "exited with status 0", "killed by SIGXCPU (core dumped)"
  std::string describe() const;
};

// Blocks until child `pid` ends and reaps it. Interrupted waits are retried:
// a caller who wants a deadline kills the child, which ends the wait.
ChildStatus wait_child(pid_t pid);
ChildStatus wait_child(pid_t pid, std::error_code& ec) noexcept;

// Reaps child `pid` if it has ended; std::nullopt while it still runs.
std::optional<ChildStatus> try_wait_child(pid_t pid);

// "SIGKILL" for SIGKILL; "signal 70" for a number with no name.
std::string signal_name(int signal);
// "EMFILE" for EMFILE; "errno 4095" for a number with no name.
std::string errno_name(int error);

}  // namespace rlkit
