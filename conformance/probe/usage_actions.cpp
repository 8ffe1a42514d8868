// Probe actions about getrusage(2) and wait4(2). They spawn and reap their own
// children, so that RUSAGE_CHILDREN is this probe's alone and the harness's
// process-wide state is not involved.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include <linux/magic.h>

#include "probe.hpp"
#include "rlkit/child.hpp"
#include "rlkit/json.hpp"
#include "rlkit/usage.hpp"

namespace probe {
namespace {

std::int64_t children_cpu_us() {
  return rlkit::getrusage(rlkit::Who::children).cpu_time().count();
}

pid_t fork_burner(std::int64_t ms) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    burn_process_cpu(ms);
    ::_exit(0);
  }
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  return pid;
}

// Waits until `pid` has ended without reaping it: it stays a zombie.
void wait_until_zombie(pid_t pid) {
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) <
             0 &&
         errno == EINTR) {
  }
}

Json zombie(const Request& request) {
  const auto before = children_cpu_us();
  const pid_t pid = fork_burner(request.number("burn_ms", 200));
  wait_until_zombie(pid);
  const auto as_zombie = children_cpu_us();
  const auto status = rlkit::wait_child(pid);
  const auto after = children_cpu_us();
  return {{"before_us", before},
          {"zombie_us", as_zombie},
          {"after_us", after},
          {"child_us", status.usage.cpu_time().count()}};
}

// The probe makes itself a subreaper, so an orphaned grandchild comes back
// to it, and it decides when (and whether) the grandchild is waited for.
Json grandchild(const Request& request) {
  const bool parent_waits = request.number("parent_waits", 1) != 0;
  const auto burn_ms = request.number("burn_ms", 200);
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  int channel[2];
  if (::pipe(channel) != 0) return {{"error", "pipe: " + errno_text(errno)}};
  const auto before = children_cpu_us();
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(channel[0]);
    const pid_t grandchild = fork_burner(burn_ms);
    (void)!::write(channel[1], &grandchild, sizeof grandchild);
    if (parent_waits) rlkit::wait_child(grandchild);
    ::_exit(0);
  }
  ::close(channel[1]);
  pid_t grandchild = 0;
  if (::read(channel[0], &grandchild, sizeof grandchild) != sizeof grandchild) {
    return {{"error", "no grandchild pid"}};
  }
  ::close(channel[0]);
  const auto child_status = rlkit::wait_child(child);
  const auto after_child = children_cpu_us();
  Json result = {{"parent_waits", parent_waits},
                 {"before_us", before},
                 {"child_us", child_status.usage.cpu_time().count()},
                 {"after_child_us", after_child}};
  if (!parent_waits) {
    // Reparented to this subreaper when the child exited.
    wait_until_zombie(grandchild);
    result["grandchild_zombie_us"] = children_cpu_us();
    const auto status = rlkit::wait_child(grandchild);
    result["grandchild_own_us"] = status.usage.cpu_time().count();
    result["after_reap_us"] = children_cpu_us();
  }
  return result;
}

Json sigchld_ignored(const Request& request) {
  ::signal(SIGCHLD, SIG_IGN);
  const auto before = children_cpu_us();
  fork_burner(request.number("burn_ms", 150));
  int status = 0;
  errno = 0;
  // With SIGCHLD ignored the child is reaped by the kernel; wait blocks
  // until it has ended and then fails with ECHILD.
  const pid_t waited = ::wait(&status);
  const int error = waited < 0 ? errno : 0;
  return {{"wait_errno", errno_text(error)},
          {"before_us", before},
          {"after_us", children_cpu_us()}};
}

Json maxrss(const Request& request) {
  const auto self_kib = rlkit::getrusage(rlkit::Who::self).maxrss;
  std::vector<std::int64_t> children;
  const std::pair<const char*, std::int64_t> sizes[] = {{"big_mib", 96},
                                                        {"small_mib", 24}};
  for (const auto& [key, fallback] : sizes) {
    const auto mib = static_cast<std::size_t>(request.number(key, fallback));
    const pid_t pid = ::fork();
    if (pid == 0) {
      touch_memory(mib * 1024 * 1024);
      ::_exit(0);
    }
    children.push_back(rlkit::wait_child(pid).usage.maxrss);
  }
  return {{"self_kib", self_kib},
          {"children_own_kib", children},
          {"children_kib", rlkit::getrusage(rlkit::Who::children).maxrss}};
}

Json threads(const Request& request) {
  std::thread worker(
      [&] { burn_thread_cpu(request.number("worker_ms", 300)); });
  burn_thread_cpu(request.number("main_ms", 100));
  const auto main_thread = rlkit::getrusage(rlkit::Who::thread);
  worker.join();
  const auto self = rlkit::getrusage(rlkit::Who::self);
  return {{"thread_us", main_thread.cpu_time().count()},
          {"self_us", self.cpu_time().count()}};
}

void on_usr1(int) {}

Json fields(const Request& request) {
  const auto start = rlkit::getrusage(rlkit::Who::self);
  touch_memory(static_cast<std::size_t>(request.number("touch_mib", 16)) << 20);
  const auto touched = rlkit::getrusage(rlkit::Who::self);
  for (int i = 0; i < 5; ++i) ::usleep(5000);
  const auto slept = rlkit::getrusage(rlkit::Who::self);
  const int fd =
      ::open("synced.out", O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return {{"error", "cannot create synced.out: " + errno_text(errno)}};
  std::vector<char> block(1 << 20, 'x');
  const bool written = ::write(fd, block.data(), block.size()) ==
                       static_cast<ssize_t>(block.size());
  ::fsync(fd);
  ::close(fd);
  const auto synced = rlkit::getrusage(rlkit::Who::self);
  // A handled signal: Linux still leaves ru_nsignals at zero.
  ::signal(SIGUSR1, on_usr1);
  ::raise(SIGUSR1);
  struct statfs folder {};
  ::statfs(".", &folder);
  const bool memory_fs =
      folder.f_type == TMPFS_MAGIC || folder.f_type == RAMFS_MAGIC;
  return {{"minflt_delta", touched.minflt - start.minflt},
          {"pages_touched", (request.number("touch_mib", 16) << 20) /
                                static_cast<std::int64_t>(::getpagesize())},
          {"nvcsw_delta", slept.nvcsw - touched.nvcsw},
          {"oublock_delta", synced.oublock - slept.oublock},
          {"written", written},
          {"memory_filesystem", memory_fs},
          {"final", rlkit::getrusage(rlkit::Who::self)}};
}

Json burn(const Request& request) {
  burn_process_cpu(request.number("ms", 200));
  return {{"burned_ms", request.number("ms", 200)},
          {"self", rlkit::getrusage(rlkit::Who::self)}};
}

}  // namespace

const std::vector<NamedAction>& usage_actions() {
  static const std::vector<NamedAction> table = {
      {"zombie-usage", zombie},
      {"grandchild-usage", grandchild},
      {"sigchld-ignored", sigchld_ignored},
      {"maxrss", maxrss},
      {"threads", threads},
      {"fields", fields},
      {"burn", burn}};
  return table;
}

}  // namespace probe
