// Probe actions that run into one resource limit each: they act until the
// kernel refuses or signals, and report the counts and errno names.
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "probe.hpp"
#include "rlkit/child.hpp"
#include "rlkit/json.hpp"
#include "rlkit/limits.hpp"
#include "rlkit/usage.hpp"

// AddressSanitizer and ThreadSanitizer reserve terabytes of address space,
// so an AS or DATA limit says nothing about the probe's own allocations.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RLKIT_PROBE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RLKIT_PROBE_SANITIZED 1
#endif
#endif
#ifdef RLKIT_PROBE_SANITIZED
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif

namespace probe {
namespace {

constexpr std::size_t mib_bytes = std::size_t{1024} * 1024;

Json nofile(const Request& request) {
  const auto limit = rlkit::getrlimit(rlkit::Resource::nofile);
  const auto most = static_cast<std::size_t>(request.number("max", 4096));
  std::vector<int> fds;
  int error = 0;
  while (fds.size() < most) {
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = errno;
      break;
    }
    fds.push_back(fd);
  }
  const int highest =
      fds.empty() ? -1 : *std::max_element(fds.begin(), fds.end());
  for (int fd : fds) ::close(fd);
  Json result = {{"opened", fds.size()},
                 {"highest_fd", highest},
                 {"errno", errno_text(error)},
                 {"limit", limit}};
  if (limit.soft < 1u << 30) {
    // Past the soft limit by default; a control passes a smaller target.
    const int target = static_cast<int>(
        request.number("dup_to", static_cast<std::int64_t>(limit.soft)));
    result["dup_to"] = target;
    errno = 0;
    const int dup = ::dup2(STDIN_FILENO, target);
    result["dup2_errno"] = dup < 0 ? errno_text(errno) : "";
    if (dup >= 0) ::close(dup);
    errno = 0;
    const int dupfd = ::fcntl(STDIN_FILENO, F_DUPFD, target);
    result["dupfd_errno"] = dupfd < 0 ? errno_text(errno) : "";
    if (dupfd >= 0) ::close(dupfd);
  }
  return result;
}

// Stdout is a pipe, to which FSIZE does not apply; the file is the one in
// the probe's private folder.
Json fsize(const Request& request) {
  const bool ignore = request.text("mode", "ignore") == "ignore";
  if (ignore) ::signal(SIGXFSZ, SIG_IGN);
  std::fflush(nullptr);
  const auto limit = rlkit::getrlimit(rlkit::Resource::fsize);
  emit({{"writing", true}, {"limit", limit}});
  const int fd =
      ::open("fsize.out", O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return {{"error", "cannot create fsize.out: " + errno_text(errno)}};
  std::vector<char> buffer(
      static_cast<std::size_t>(request.number("bytes", 2048)), 'x');
  errno = 0;
  const ssize_t first = ::write(fd, buffer.data(), buffer.size());
  const int first_errno = first < 0 ? errno : 0;
  errno = 0;
  const ssize_t second = ::write(fd, buffer.data(), 1);
  const int second_errno = second < 0 ? errno : 0;
  errno = 0;
  const int truncated = ::ftruncate(fd, static_cast<off_t>(buffer.size()) * 4);
  const int truncate_errno = truncated < 0 ? errno : 0;
  ::close(fd);
  return {{"first_write", first},
          {"first_errno", errno_text(first_errno)},
          {"second_write", second},
          {"second_errno", errno_text(second_errno)},
          {"ftruncate_errno", errno_text(truncate_errno)},
          {"limit", limit}};
}

std::int64_t status_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0)
      return std::stoll(line.substr(std::strlen(field)));
  }
  return -1;
}

// Maps `bytes` (PROT_NONE for AS, which counts every mapping; writable and
// private for DATA, which counts only those) and unmaps it again.
int try_map(std::size_t bytes, bool writable) {
  void* memory =
      ::mmap(nullptr, bytes, writable ? PROT_READ | PROT_WRITE : PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) return errno;
  ::munmap(memory, bytes);
  return 0;
}

Json alloc(const Request& request) {
  if (sanitized) {
    return {{"skip",
             "the probe is built with a sanitizer, which reserves "
             "terabytes of address space"}};
  }
  const bool as = request.text("kind", "as") == "as";
  const auto resource = as ? rlkit::Resource::as : rlkit::Resource::data;
  const std::int64_t used_kib = status_kib(as ? "VmSize:" : "VmData:");
  const std::size_t big = 64 * mib_bytes;
  const int control = try_map(big, !as);
  rlkit::Limits limit = rlkit::getrlimit(resource);
  limit.soft = static_cast<std::uint64_t>(used_kib) * 1024 + 16 * mib_bytes;
  rlkit::setrlimit(resource, limit);
  const int limited = try_map(big, !as);
  const int small = try_map(mib_bytes, !as);
  Json result = {{"used_kib", used_kib},
                 {"control_errno", errno_text(control)},
                 {"limited_errno", errno_text(limited)},
                 {"small_errno", errno_text(small)},
                 {"limit", rlkit::getrlimit(resource)}};
  if (!as) {
    errno = 0;
    const void* brk = ::sbrk(static_cast<intptr_t>(big));
    // sbrk fails with (void*)-1; compared as an integer, which needs no
    // pointer made from one.
    result["sbrk_errno"] =
        reinterpret_cast<std::intptr_t>(brk) == -1 ? errno_text(errno) : "";
  }
  return result;
}

volatile long g_depth = 0;
alignas(16) char g_alt_stack[64 * 1024];

void on_segv(int) { emit_counter("segv_at_depth", g_depth); }

// Each frame holds a kilobyte and uses it after the call, so it can be
// neither shrunk nor turned into a loop.
long recurse(long depth, long most) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  g_depth = depth;
  if (depth >= most) return depth;
  return recurse(depth + 1, most) + frame[0] - frame[0];
}

Json recurse_action(const Request& request) {
  stack_t alt{};
  alt.ss_sp = g_alt_stack;
  alt.ss_size = sizeof g_alt_stack;
  ::sigaltstack(&alt, nullptr);
  struct sigaction action {};
  action.sa_handler = on_segv;
  // Reset to the default so that returning re-faults and the probe dies by
  // SIGSEGV, which the harness reads from the exit status.
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  ::sigaction(SIGSEGV, &action, nullptr);
  emit({{"limit", rlkit::getrlimit(rlkit::Resource::stack)}});
  const long depth = recurse(1, request.number("frames", 4096));
  return {{"depth", depth}, {"completed", true}};
}

Json nproc(const Request& request) {
  const unsigned uid = ::getuid();
  const long before = count_tasks_of(uid);
  if (request.params.count("headroom") != 0) {
    auto limit = rlkit::getrlimit(rlkit::Resource::nproc);
    limit.soft =
        static_cast<std::uint64_t>(before + request.number("headroom", 3));
    rlkit::setrlimit(rlkit::Resource::nproc, limit);
  }
  const auto most = request.number("max", 32);
  std::vector<pid_t> children;
  int error = 0;
  while (static_cast<std::int64_t>(children.size()) < most) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      for (;;) ::pause();
    }
    if (pid < 0) {
      error = errno;
      break;
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) ::kill(pid, SIGKILL);
  for (pid_t pid : children) rlkit::wait_child(pid);
  return {{"uid", uid},
          {"tasks_before", before},
          {"forks_ok", children.size()},
          {"errno", errno_text(error)},
          {"limit", rlkit::getrlimit(rlkit::Resource::nproc)}};
}

Json mlock_action(const Request& request) {
  const std::size_t page = rlkit::getpagesize();
  const std::size_t bytes =
      page * static_cast<std::size_t>(request.number("pages", 2));
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return {{"error", "mmap: " + errno_text(errno)}};
  const int locked = ::mlock(memory, bytes);
  const int error = locked < 0 ? errno : 0;
  if (locked == 0) ::munlock(memory, bytes);
  ::munmap(memory, bytes);
  return {{"bytes", bytes},
          {"errno", errno_text(error)},
          {"limit", rlkit::getrlimit(rlkit::Resource::memlock)}};
}

Json mqueue(const Request&) {
  const std::string name = "/rlkit-probe-" + std::to_string(::getpid());
  mq_attr attr{};
  attr.mq_maxmsg = 1;
  attr.mq_msgsize = 1;
  const mqd_t queue =
      ::mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
  const int error = queue == static_cast<mqd_t>(-1) ? errno : 0;
  if (error == 0) {
    ::mq_close(queue);
    ::mq_unlink(name.c_str());
  }
  return {{"errno", errno_text(error)},
          {"limit", rlkit::getrlimit(rlkit::Resource::msgqueue)}};
}

Json sigqueue_action(const Request&) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  errno = 0;
  const int queued = ::sigqueue(::getpid(), SIGRTMIN, sigval{});
  const int queue_errno = queued < 0 ? errno : 0;
  errno = 0;
  const int killed = ::kill(::getpid(), SIGRTMIN);
  const int kill_errno = killed < 0 ? errno : 0;
  int drained = 0;
  const timespec zero{};
  while (::sigtimedwait(&set, nullptr, &zero) == SIGRTMIN) ++drained;
  return {{"sigqueue_errno", errno_text(queue_errno)},
          {"kill_errno", errno_text(kill_errno)},
          {"drained", drained},
          {"limit", rlkit::getrlimit(rlkit::Resource::sigpending)}};
}

Json renice(const Request& request) {
  Json result = {{"limit", rlkit::getrlimit(rlkit::Resource::nice)}};
  for (const char* key : {"start", "first", "second"}) {
    if (request.params.count(key) == 0) continue;
    errno = 0;
    const int done = ::setpriority(PRIO_PROCESS, 0,
                                   static_cast<int>(request.number(key, 0)));
    result[std::string(key) + "_errno"] = done < 0 ? errno_text(errno) : "";
  }
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, 0);
  result["nice"] = now;
  errno = 0;
  const int lowered = ::nice(-1);
  result["nice_minus_one_errno"] =
      lowered == -1 && errno != 0 ? errno_text(errno) : "";
  return result;
}

Json sched(const Request& request) {
  Json result = {{"limit", rlkit::getrlimit(rlkit::Resource::rtprio)}};
  for (const char* key : {"first", "second"}) {
    if (request.params.count(key) == 0) continue;
    sched_param param{};
    param.sched_priority = static_cast<int>(request.number(key, 1));
    const int done = ::sched_setscheduler(0, SCHED_FIFO, &param);
    result[std::string(key) + "_errno"] = done < 0 ? errno_text(errno) : "";
  }
  result["policy_fifo"] = ::sched_getscheduler(0) == SCHED_FIFO;
  return result;
}

volatile long g_sigxcpu = 0;

void on_sigxcpu(int) {
  g_sigxcpu = g_sigxcpu + 1;
  emit_counter("sigxcpu", g_sigxcpu);
}

void count_sigxcpu() {
  struct sigaction action {};
  action.sa_handler = on_sigxcpu;
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGXCPU, &action, nullptr);
}

Json cpu(const Request& request) {
  if (request.text("handler", "count") == "count") count_sigxcpu();
  emit({{"spinning", true}, {"limit", rlkit::getrlimit(rlkit::Resource::cpu)}});
  burn_process_cpu(request.number("max_ms", 10000));
  return {{"sigxcpu", g_sigxcpu}, {"survived", true}};
}

Json rttime(const Request& request) {
  sched_param param{};
  param.sched_priority = static_cast<int>(request.number("priority", 1));
  if (::sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
    return {{"sched_errno", errno_text(errno)}};
  }
  count_sigxcpu();
  emit({{"spinning", true},
        {"limit", rlkit::getrlimit(rlkit::Resource::rttime)}});
  burn_process_cpu(request.number("max_ms", 3000));
  return {{"sigxcpu", g_sigxcpu}, {"survived", true}};
}

Json abort_action(const Request&) {
  emit(
      {{"aborting", true}, {"limit", rlkit::getrlimit(rlkit::Resource::core)}});
  std::abort();
}

// Execs the probe again with `kib` KiB of arguments, in pieces below the
// kernel's 128 KiB limit for one string.
Json exec_args(const Request& request) {
  const auto pieces = request.number("pieces", 4);
  const auto piece =
      static_cast<std::size_t>(request.number("kib", 200) * 1024 / pieces);
  std::vector<std::string> args = {request.self};
  for (std::int64_t i = 0; i < pieces; ++i) {
    args.push_back("--param");
    args.push_back("pad" + std::to_string(i) + "=" + std::string(piece, 'x'));
  }
  args.push_back("noop");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0)
    return {{"error", "pipe2: " + errno_text(errno)}};
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::execv(request.self.c_str(), argv.data());
    const int error = errno;
    (void)!::write(report[1], &error, sizeof error);
    ::_exit(127);
  }
  ::close(report[1]);
  int error = 0;
  if (::read(report[0], &error, sizeof error) != sizeof error) error = 0;
  ::close(report[0]);
  const auto status = rlkit::wait_child(pid);
  return {{"exec_errno", errno_text(error)},
          {"child", status.describe()},
          {"limit", rlkit::getrlimit(rlkit::Resource::stack)}};
}

Json locks(const Request& request) {
  int ok = 0;
  const auto count = request.number("count", 4);
  std::vector<int> fds;
  for (std::int64_t i = 0; i < count; ++i) {
    const std::string name = "lock" + std::to_string(i);
    const int fd = ::open(name.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) continue;
    fds.push_back(fd);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (::fcntl(fd, F_SETLK, &lock) == 0) ++ok;
  }
  for (int fd : fds) ::close(fd);
  return {{"locked", ok},
          {"requested", count},
          {"limit", rlkit::getrlimit(rlkit::Resource::locks)}};
}

// Looked up by name: a build of rlkit may lack Resource::rss, and the
// harness should then say so rather than the probe fail to build.
Json rss(const Request& request) {
  const auto resource = rlkit::try_parse_resource("rss");
  if (!resource) return {{"error", "rlkit defines no Resource::rss here"}};
  rlkit::Limits limit = rlkit::getrlimit(*resource);
  limit.soft = static_cast<std::uint64_t>(request.number("limit", mib_bytes));
  std::error_code ec;
  rlkit::setrlimit(*resource, limit, ec);
  const auto mib = static_cast<std::size_t>(request.number("mib", 32));
  touch_memory(mib * mib_bytes);
  return {{"set_errno", errno_text(ec.value())},
          {"touched_kib", mib * 1024},
          {"maxrss_kib", rlkit::getrusage(rlkit::Who::self).maxrss},
          {"limit", rlkit::getrlimit(*resource)}};
}

}  // namespace

const std::vector<NamedAction>& limit_actions() {
  static const std::vector<NamedAction> table = {{"nofile", nofile},
                                                 {"fsize", fsize},
                                                 {"alloc", alloc},
                                                 {"recurse", recurse_action},
                                                 {"nproc", nproc},
                                                 {"mlock", mlock_action},
                                                 {"mqueue", mqueue},
                                                 {"sigqueue", sigqueue_action},
                                                 {"renice", renice},
                                                 {"sched", sched},
                                                 {"cpu", cpu},
                                                 {"rttime", rttime},
                                                 {"abort", abort_action},
                                                 {"exec-args", exec_args},
                                                 {"locks", locks},
                                                 {"rss", rss}};
  return table;
}

}  // namespace probe
