#include "rlkit/child.hpp"

#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "error_internal.hpp"

namespace rlkit {
namespace {

struct Name {
  int number;
  const char* name;
};

// Spelled out rather than taken from glibc's sigabbrev_np and
// strerrorname_np so that a probe built against musl names them too.
#define RLKIT_NAME(x) \
  { x, #x }
constexpr Name signal_names[] = {
    RLKIT_NAME(SIGHUP),    RLKIT_NAME(SIGINT),  RLKIT_NAME(SIGQUIT),
    RLKIT_NAME(SIGILL),    RLKIT_NAME(SIGTRAP), RLKIT_NAME(SIGABRT),
    RLKIT_NAME(SIGBUS),    RLKIT_NAME(SIGFPE),  RLKIT_NAME(SIGKILL),
    RLKIT_NAME(SIGUSR1),   RLKIT_NAME(SIGSEGV), RLKIT_NAME(SIGUSR2),
    RLKIT_NAME(SIGPIPE),   RLKIT_NAME(SIGALRM), RLKIT_NAME(SIGTERM),
    RLKIT_NAME(SIGCHLD),   RLKIT_NAME(SIGCONT), RLKIT_NAME(SIGSTOP),
    RLKIT_NAME(SIGTSTP),   RLKIT_NAME(SIGTTIN), RLKIT_NAME(SIGTTOU),
    RLKIT_NAME(SIGURG),    RLKIT_NAME(SIGXCPU), RLKIT_NAME(SIGXFSZ),
    RLKIT_NAME(SIGVTALRM), RLKIT_NAME(SIGPROF), RLKIT_NAME(SIGWINCH),
    RLKIT_NAME(SIGIO),     RLKIT_NAME(SIGSYS),
};
constexpr Name errno_names[] = {
    RLKIT_NAME(EPERM),   RLKIT_NAME(ENOENT),       RLKIT_NAME(ESRCH),
    RLKIT_NAME(EINTR),   RLKIT_NAME(EIO),          RLKIT_NAME(ENXIO),
    RLKIT_NAME(E2BIG),   RLKIT_NAME(ENOEXEC),      RLKIT_NAME(EBADF),
    RLKIT_NAME(ECHILD),  RLKIT_NAME(EAGAIN),       RLKIT_NAME(ENOMEM),
    RLKIT_NAME(EACCES),  RLKIT_NAME(EFAULT),       RLKIT_NAME(EBUSY),
    RLKIT_NAME(EEXIST),  RLKIT_NAME(EXDEV),        RLKIT_NAME(ENODEV),
    RLKIT_NAME(ENOTDIR), RLKIT_NAME(EISDIR),       RLKIT_NAME(EINVAL),
    RLKIT_NAME(ENFILE),  RLKIT_NAME(EMFILE),       RLKIT_NAME(ENOTTY),
    RLKIT_NAME(ETXTBSY), RLKIT_NAME(EFBIG),        RLKIT_NAME(ENOSPC),
    RLKIT_NAME(ESPIPE),  RLKIT_NAME(EROFS),        RLKIT_NAME(EMLINK),
    RLKIT_NAME(EPIPE),   RLKIT_NAME(EDOM),         RLKIT_NAME(ERANGE),
    RLKIT_NAME(EDEADLK), RLKIT_NAME(ENAMETOOLONG), RLKIT_NAME(ENOSYS),
    RLKIT_NAME(ENOTSUP), RLKIT_NAME(EOVERFLOW),    RLKIT_NAME(ETIMEDOUT),
};
#undef RLKIT_NAME

const char* find(const Name* begin, const Name* end, int number) noexcept {
  for (const Name* it = begin; it != end; ++it) {
    if (it->number == number) return it->name;
  }
  return nullptr;
}

}  // namespace

bool ChildStatus::exited() const noexcept { return WIFEXITED(status); }

int ChildStatus::exit_code() const noexcept {
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool ChildStatus::signaled() const noexcept { return WIFSIGNALED(status); }

int ChildStatus::signal() const noexcept {
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

bool ChildStatus::core_dumped() const noexcept {
#ifdef WCOREDUMP
  return WIFSIGNALED(status) && WCOREDUMP(status);
#else
  return false;
#endif
}

std::string ChildStatus::describe() const {
  if (exited()) return "exited with status " + std::to_string(exit_code());
  if (signaled()) {
    return "killed by " + signal_name(signal()) +
           (core_dumped() ? " (core dumped)" : "");
  }
  return "wait status " + std::to_string(status);
}

ChildStatus wait_child(pid_t pid, std::error_code& ec) noexcept {
  ChildStatus result;
  struct rusage raw {};
  pid_t reaped;
  // A signal handler in the caller may interrupt the wait; the child is
  // still there, so waiting again is always right.
  do {
    reaped = ::wait4(pid, &result.status, 0, &raw);
  } while (reaped < 0 && errno == EINTR);
  if (reaped < 0) {
    ec = detail::errno_code();
    return {};
  }
  ec.clear();
  result.pid = reaped;
  result.usage = Usage::from_native(raw);
  return result;
}

ChildStatus wait_child(pid_t pid) {
  std::error_code ec;
  ChildStatus result = wait_child(pid, ec);
  if (ec) {
    detail::throw_error(detail::Call::other, ec,
                        "wait4(" + std::to_string(pid) + ")");
  }
  return result;
}

std::optional<ChildStatus> try_wait_child(pid_t pid) {
  ChildStatus result;
  struct rusage raw {};
  pid_t reaped;
  do {
    reaped = ::wait4(pid, &result.status, WNOHANG, &raw);
  } while (reaped < 0 && errno == EINTR);
  if (reaped < 0) {
    detail::throw_error(detail::Call::other, detail::errno_code(),
                        "wait4(" + std::to_string(pid) + ", WNOHANG)");
  }
  if (reaped == 0) return std::nullopt;
  result.pid = reaped;
  result.usage = Usage::from_native(raw);
  return result;
}

std::string signal_name(int signal) {
  if (const char* found =
          find(std::begin(signal_names), std::end(signal_names), signal)) {
    return found;
  }
#ifdef SIGRTMIN
  if (signal >= SIGRTMIN && signal <= SIGRTMAX) {
    return signal == SIGRTMIN ? "SIGRTMIN"
                              : "SIGRTMIN+" + std::to_string(signal - SIGRTMIN);
  }
#endif
  return "signal " + std::to_string(signal);
}

std::string errno_name(int error) {
  if (const char* found =
          find(std::begin(errno_names), std::end(errno_names), error)) {
    return found;
  }
  return "errno " + std::to_string(error);
}

}  // namespace rlkit
