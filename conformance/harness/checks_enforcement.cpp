// Enforcement checks: one or more per Linux resource. Each runs a control
// first (the same action without the limit, or with a larger one) and claims
// enforcement only when the control succeeded; where a capability escapes
// the limit, one check shows the limit enforced without it and another shows
// it escaped with it.
#include <signal.h>
#include <unistd.h>

#include <string>

#include "check.hpp"
#include "rlkit/limits.hpp"

namespace conformance {
namespace {

using rlkit::Capability;
using rlkit::Resource;
using std::to_string;
using std::chrono::seconds;

const std::vector<std::string> core_one = {"--limit", "core=1"};
// A CPU-bound probe shares two CPUs with every other check (and with other
// ctest entries): its wall time can be many times its CPU time. The deadline
// is a guard against a hang, not a measure.
constexpr std::chrono::seconds cpu_deadline{30};

std::vector<std::string> operator+(std::vector<std::string> a,
                                   const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<std::string> limit(const std::string& spec) {
  return {"--limit", spec};
}
std::vector<std::string> param(const std::string& spec) {
  return {"--param", spec};
}

// RLIMIT_CPU is checked against tick-sampled CPU time (CONFIG_HZ ticks
// charged to whoever runs at the tick), while wait4 reports the scheduler's
// exact runtime; on a busy 2-CPU VM the two differ by up to ~16%. "Near the
// limit" is therefore within [0.75, 1.25] times it.
bool near_limit(double cpu, double limit) {
  return cpu >= 0.75 * limit && cpu <= 1.25 * limit;
}

double cpu_seconds(const ProbeResult& result) {
  return static_cast<double>(result.status.usage.cpu_time().count()) / 1e6;
}

std::string seconds_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f s", value);
  return buffer;
}

bool killed_by(const ProbeResult& result, int signal) {
  return !result.timed_out && result.status.signaled() &&
         result.status.signal() == signal;
}

std::uint64_t harness_hard(Resource resource) {
  return rlkit::getrlimit(resource).hard;
}

// A control that should have worked did not: the environment prevents the
// observation, so the check cannot claim anything.
Outcome control_failed(const ProbeResult& control, const std::string& what) {
  const auto trouble = control.trouble();
  return skip(
      "the control (" + what + ") did not succeed: " +
          (trouble.empty() ? control.describe() + " " + control.last().dump()
                           : trouble),
      what, control.describe());
}

Outcome cpu_sigxcpu_then_sigkill(const Env& env) {
  auto control = env.probe("cpu", param("max_ms=200"));
  if (!control.last().value("survived", false))
    return control_failed(control, "200 ms of CPU without a limit");
  auto run =
      env.probe("cpu", limit("cpu=1:3") + core_one + param("max_ms=9000"),
                nullptr, cpu_deadline);
  if (run.timed_out || !run.ran())
    return probe_failed(run, "killed by SIGKILL");
  const int signals = run.count("sigxcpu");
  const double cpu = cpu_seconds(run);
  const std::string observed = to_string(signals) + " SIGXCPU, " +
                               run.describe() + ", CPU time " +
                               seconds_text(cpu);
  return judge(
      signals == 2 && killed_by(run, SIGKILL) && near_limit(cpu, 3),
      "2 SIGXCPU (at 1 s and 2 s), then killed by SIGKILL at the hard limit, "
      "CPU time from wait4 near 3 s (within [2.25, 3.75] s)",
      observed);
}

Outcome cpu_sigxcpu_default(const Env& env) {
  auto control = env.probe("cpu", param("handler=none") + param("max_ms=200"));
  if (!control.last().value("survived", false))
    return control_failed(control, "200 ms of CPU without a limit");
  auto run = env.probe("cpu",
                       limit("cpu=1:3") + core_one + param("handler=none") +
                           param("max_ms=9000"),
                       nullptr, cpu_deadline);
  const double cpu = cpu_seconds(run);
  return judge(killed_by(run, SIGXCPU) && near_limit(cpu, 1),
               "killed by SIGXCPU at the soft limit, CPU time near 1 s (within "
               "[0.75, 1.25] s)",
               run.describe() + ", CPU time " + seconds_text(cpu));
}

Outcome cpu_soft_equals_hard(const Env& env) {
  auto run =
      env.probe("cpu", limit("cpu=1:1") + core_one + param("max_ms=9000"),
                nullptr, cpu_deadline);
  const int signals = run.count("sigxcpu");
  const double cpu = cpu_seconds(run);
  return judge(signals == 0 && killed_by(run, SIGKILL) && near_limit(cpu, 1),
               "no SIGXCPU, killed by SIGKILL, CPU time near 1 s (within "
               "[0.75, 1.25] s)",
               to_string(signals) + " SIGXCPU, " + run.describe() +
                   ", CPU time " + seconds_text(cpu));
}

Outcome fsize_efbig(const Env& env) {
  auto control = env.probe("fsize", param("bytes=2048"));
  if (control.last().value("first_write", 0) != 2048)
    return control_failed(control, "a 2048-byte write without a limit");
  auto run =
      env.probe("fsize", limit("fsize=1024") + core_one + param("bytes=2048"));
  if (!run.trouble().empty()) return probe_failed(run, "a short write");
  const auto& r = run.last();
  const std::string observed =
      "first write " + json_text(r["first_write"]) + ", second " +
      errno_or_success(r["second_errno"]) + ", ftruncate " +
      errno_or_success(r["ftruncate_errno"]);
  return judge(r.value("first_write", 0) == 1024 &&
                   r["second_errno"] == "EFBIG" &&
                   r["ftruncate_errno"] == "EFBIG",
               "first write 1024, second EFBIG, ftruncate EFBIG", observed);
}

Outcome fsize_sigxfsz(const Env& env) {
  auto control =
      env.probe("fsize", param("bytes=2048") + param("mode=default"));
  if (control.last().value("first_write", 0) != 2048)
    return control_failed(control, "a 2048-byte write without a limit");
  auto run =
      env.probe("fsize", limit("fsize=1024") + core_one + param("bytes=2048") +
                             param("mode=default"));
  return judge(killed_by(run, SIGXFSZ), "killed by SIGXFSZ", run.describe());
}

Outcome alloc_check(const Env& env, const std::string& kind) {
  auto run = env.probe("alloc", param("kind=" + kind));
  const auto& r = run.last();
  if (r.contains("skip")) return skip(r["skip"].get<std::string>());
  if (!run.trouble().empty()) return probe_failed(run, "ENOMEM past the limit");
  if (r["control_errno"] != "") {
    return skip(
        "the control mapping of 64 MiB failed (" +
        json_text(r["control_errno"]) +
        "): strict overcommit or a memory limit prevents the observation");
  }
  std::string observed = "control success, 64 MiB past the limit " +
                         errno_or_success(r["limited_errno"]) +
                         ", 1 MiB under it " +
                         errno_or_success(r["small_errno"]);
  bool ok = r["limited_errno"] == "ENOMEM" && r["small_errno"] == "";
  if (kind == "data") {
    observed += ", sbrk " + errno_or_success(r["sbrk_errno"]);
    ok = ok && r["sbrk_errno"] == "ENOMEM";
  }
  return judge(ok,
               std::string("control maps 64 MiB; with soft = current use + 16 "
                           "MiB, 64 MiB fails ENOMEM") +
                   (kind == "data" ? " (mmap and sbrk)" : "") +
                   " and 1 MiB still works",
               observed);
}

Outcome core_zero(const Env& env) {
  const auto& pattern = env.context().core_pattern;
  if (!pattern.empty() && pattern[0] == '|') {
    return skip("core_pattern pipes to a helper (" + pattern +
                "), which ignores RLIMIT_CORE except the value 1");
  }
  const auto hard = harness_hard(Resource::core);
  std::vector<std::string> large = limit("core=" + rlkit::format_limit(hard));
  if (hard < std::uint64_t{1024} * 1024) {
    if (!env.context().has(Capability::sys_resource)) {
      return skip(
          "the hard RLIMIT_CORE here is " + rlkit::format_limit(hard) +
          "; a control that dumps core needs cap_sys_resource to raise it");
    }
    large = {"--raise", "core=unlimited:unlimited"};
  }
  auto control = env.probe("abort", large, nullptr, seconds(10));
  if (!control.status.core_dumped()) {
    return skip("the control with RLIMIT_CORE " + rlkit::format_limit(hard) +
                    " dumped no core (" + control.describe() +
                    ", core_pattern " + pattern + ")",
                "control dumps core", control.describe());
  }
  bool control_file = false;
  for (const auto& name : control.files)
    control_file |= name.rfind("core", 0) == 0;
  auto run = env.probe("abort", limit("core=0"), nullptr, seconds(10));
  bool file = false;
  for (const auto& name : run.files) file |= name.rfind("core", 0) == 0;
  const bool pattern_local = pattern.find('/') == std::string::npos;
  return judge(
      killed_by(run, SIGABRT) && !run.status.core_dumped() && !file,
      "control: killed by SIGABRT (core dumped)" +
          std::string(pattern_local ? ", a core file in its folder" : "") +
          "; with RLIMIT_CORE 0: killed by SIGABRT, no core, no file",
      "control " + control.describe() +
          (control_file ? " with a core file" : "") + "; limited " +
          run.describe() + (file ? " with a core file" : ", no core file"));
}

Outcome nofile_emfile(const Env& env) {
  auto control = env.probe("nofile", limit("nofile=64"));
  if (control.last().value("highest_fd", 0) != 63)
    return control_failed(control, "open until EMFILE with RLIMIT_NOFILE 64");
  auto run = env.probe("nofile", limit("nofile=16"));
  const auto& r = run.last();
  return judge(r["errno"] == "EMFILE" && r.value("highest_fd", 0) == 15,
               "control opens up to fd 63; with soft 16, opening fails EMFILE "
               "after fd 15",
               "control up to fd 63; limited: " + errno_or_success(r["errno"]) +
                   " after fd " + json_text(r["highest_fd"]));
}

Outcome nofile_dup2(const Env& env) {
  auto control = env.probe(
      "nofile", limit("nofile=64") + param("dup_to=16") + param("max=8"));
  if (control.last()["dup2_errno"] != "")
    return control_failed(control, "dup2 to fd 16 with RLIMIT_NOFILE 64");
  auto run = env.probe("nofile", limit("nofile=16") + param("max=8"));
  const auto& r = run.last();
  return judge(r["dup2_errno"] == "EBADF" && r["dupfd_errno"] == "EINVAL",
               "control dup2 to fd 16 works; with soft 16, dup2 to fd 16 EBADF "
               "and F_DUPFD 16 EINVAL",
               "dup2 " + errno_or_success(r["dup2_errno"]) + ", F_DUPFD " +
                   errno_or_success(r["dupfd_errno"]));
}

Outcome memlock_without_cap(const Env& env, bool zero) {
  const Side side = env.unprivileged();
  if (!side.possible) return skip(side.reason);
  const std::uint64_t page = rlkit::getpagesize();
  if (harness_hard(Resource::memlock) < 2 * page) {
    return skip(
        "the hard RLIMIT_MEMLOCK here is below two pages; the control needs "
        "cap_sys_resource");
  }
  auto control = env.probe(
      "mlock", limit("memlock=" + to_string(2 * page)) + param("pages=2"),
      &side);
  if (control.last()["errno"] != "")
    return control_failed(control, "mlock of two pages with a two-page limit");
  auto run = env.probe(
      "mlock",
      limit("memlock=" + to_string(zero ? 0 : page)) + param("pages=2"), &side);
  const std::string want = zero ? "EPERM" : "ENOMEM";
  return judge(run.last()["errno"] == want,
               "control locks two pages; " + side.who + " with a limit of " +
                   (zero ? "0, mlock fails EPERM"
                         : "one page, locking two fails ENOMEM"),
               errno_or_success(run.last()["errno"]) + " " + side.who);
}

Outcome memlock_cap(const Env& env) {
  const Side side = env.privileged(Capability::ipc_lock);
  if (!side.possible) return skip(side.reason);
  auto run =
      env.probe("mlock", limit("memlock=" + to_string(rlkit::getpagesize())) +
                             param("pages=2"));
  return judge(run.last()["errno"] == "",
               "with cap_ipc_lock, two pages lock under a one-page limit",
               errno_or_success(run.last()["errno"]));
}

Outcome msgqueue_emfile(const Env& env) {
  auto control = env.probe("mqueue", {});
  if (control.last()["errno"] == "ENOSYS")
    return skip("POSIX message queues are not available (ENOSYS)");
  if (control.last()["errno"] != "")
    return control_failed(control, "mq_open with the inherited limit");
  auto run = env.probe("mqueue", limit("msgqueue=0"));
  return judge(run.last()["errno"] == "EMFILE",
               "control creates a queue; with RLIMIT_MSGQUEUE 0, "
               "mq_open(O_CREAT) fails EMFILE",
               errno_or_success(run.last()["errno"]));
}

// The NICE and RTPRIO checks that need a non-zero limit: raised while still
// privileged when the inherited hard limit is too low.
std::optional<std::vector<std::string>> limit_at_least(const Env& env,
                                                       Resource resource,
                                                       std::uint64_t value,
                                                       std::string& why) {
  const std::string spec =
      std::string(rlkit::name(resource)) + "=" + to_string(value);
  if (harness_hard(resource) >= value) return limit(spec);
  if (env.context().has(Capability::sys_resource))
    return {{"--raise", spec + ":" + to_string(value)}};
  why = "needs cap_sys_resource: the hard " +
        std::string(rlkit::c_name(resource)) + " here is " +
        rlkit::format_limit(harness_hard(resource)) + ", below the " +
        to_string(value) + " this check sets";
  return std::nullopt;
}

Outcome nice_ceiling(const Env& env) {
  const Side side = env.unprivileged();
  if (!side.possible) return skip(side.reason);
  std::string why;
  auto options = limit_at_least(env, Resource::nice, 15, why);
  if (!options) return skip(why);
  auto run = env.probe(
      "renice",
      *options + param("start=19") + param("first=5") + param("second=4"),
      &side);
  const auto& r = run.last();
  if (!run.trouble().empty())
    return probe_failed(run, "renice to 5 works, to 4 EACCES");
  return judge(r["start_errno"] == "" && r["first_errno"] == "" &&
                   r["second_errno"] == "EACCES",
               side.who +
                   ", RLIMIT_NICE 15 (ceiling 5): from 19, renice to 5 works, "
                   "to 4 fails EACCES",
               "to 5 " + errno_or_success(r["first_errno"]) + ", to 4 " +
                   errno_or_success(r["second_errno"]));
}

Outcome nice_zero(const Env& env) {
  const Side side = env.unprivileged();
  if (!side.possible) return skip(side.reason);
  auto run = env.probe(
      "renice", limit("nice=0") + param("start=10") + param("first=9"), &side);
  const auto& r = run.last();
  if (r["start_errno"] != "")
    return control_failed(run, "raising the nice value to 10");
  return judge(
      r["first_errno"] == "EACCES" && r["nice_minus_one_errno"] == "EPERM",
      side.who +
          ", RLIMIT_NICE 0: raising nice to 10 works (control), lowering to 9: "
          "setpriority EACCES, nice(-1) EPERM",
      "setpriority " + errno_or_success(r["first_errno"]) + ", nice(-1) " +
          errno_or_success(r["nice_minus_one_errno"]));
}

Outcome nice_cap(const Env& env) {
  const Side side = env.privileged(Capability::sys_nice);
  if (!side.possible) return skip(side.reason);
  auto run = env.probe("renice",
                       limit("nice=0") + param("start=10") + param("first=-5"));
  const auto& r = run.last();
  return judge(
      r["start_errno"] == "" && r["first_errno"] == "",
      "with cap_sys_nice and RLIMIT_NICE 0, renice from 10 to -5 works",
      "to 10 " + errno_or_success(r["start_errno"]) + ", to -5 " +
          errno_or_success(r["first_errno"]));
}

std::string rt_refused(const std::string& error) {
  return "SCHED_FIFO is refused (" + error +
         ") even where the limit allows it: a cgroup without real-time budget";
}

Outcome rtprio_limit(const Env& env) {
  const Side side = env.unprivileged();
  if (!side.possible) return skip(side.reason);
  std::string why;
  auto options = limit_at_least(env, Resource::rtprio, 5, why);
  if (!options) return skip(why);
  auto run = env.probe("sched", *options + param("first=5") + param("second=6"),
                       &side);
  const auto& r = run.last();
  if (r["first_errno"] != "")
    return skip(rt_refused(json_text(r["first_errno"])));
  return judge(
      r["second_errno"] == "EPERM",
      side.who +
          ", RLIMIT_RTPRIO 5: SCHED_FIFO priority 5 works, 6 fails EPERM",
      "priority 5 success, 6 " + errno_or_success(r["second_errno"]));
}

Outcome rtprio_zero(const Env& env) {
  const Side side = env.unprivileged();
  if (!side.possible) return skip(side.reason);
  ProbeResult control;
  if (env.context().has(Capability::sys_nice)) {
    control = env.probe("sched", limit("rtprio=0") + param("first=1"));
  } else if (harness_hard(Resource::rtprio) >= 1) {
    control = env.probe("sched", limit("rtprio=1") + param("first=1"), &side);
  } else {
    return skip(
        "needs cap_sys_nice or a hard RLIMIT_RTPRIO of at least 1 for a "
        "control that "
        "shows SCHED_FIFO is allowed here at all");
  }
  if (control.last()["first_errno"] != "")
    return skip(rt_refused(json_text(control.last()["first_errno"])));
  auto run = env.probe("sched", limit("rtprio=0") + param("first=1"), &side);
  return judge(run.last()["first_errno"] == "EPERM",
               "control gets SCHED_FIFO 1; " + side.who +
                   " with RLIMIT_RTPRIO 0 it fails EPERM",
               errno_or_success(run.last()["first_errno"]));
}

Outcome rtprio_cap(const Env& env) {
  const Side side = env.privileged(Capability::sys_nice);
  if (!side.possible) return skip(side.reason);
  auto run = env.probe("sched", limit("rtprio=0") + param("first=1"));
  const auto& r = run.last();
  if (r["first_errno"] == "EPERM") return skip(rt_refused("EPERM"));
  return judge(
      r["first_errno"] == "" && r.value("policy_fifo", false),
      "with cap_sys_nice and RLIMIT_RTPRIO 0, SCHED_FIFO priority 1 works",
      errno_or_success(r["first_errno"]));
}

Outcome rttime_check(const Env& env) {
  std::vector<std::string> rt;
  Side side;
  if (env.context().has(Capability::sys_nice)) {
    side.who = "with cap_sys_nice";
  } else if (harness_hard(Resource::rtprio) >= 1) {
    side = env.unprivileged();
    if (!side.possible) return skip(side.reason);
    rt = limit("rtprio=1");
  } else {
    return skip(
        "needs cap_sys_nice or a hard RLIMIT_RTPRIO of at least 1 to run under "
        "SCHED_FIFO");
  }
  auto control = env.probe("rttime", rt + param("max_ms=400"), &side);
  if (control.last().contains("sched_errno"))
    return skip(rt_refused(json_text(control.last()["sched_errno"])));
  if (!control.last().value("survived", false))
    return control_failed(control,
                          "400 ms under SCHED_FIFO without RLIMIT_RTTIME");
  auto run = env.probe(
      "rttime",
      rt + limit("rttime=100000:300000") + core_one + param("max_ms=3000"),
      &side, seconds(10));
  const int signals = run.count("sigxcpu");
  const double cpu = cpu_seconds(run);
  return judge(signals >= 1 && killed_by(run, SIGKILL) && near_limit(cpu, 0.3),
               "control survives 400 ms; with soft 100 ms and hard 300 ms: "
               "SIGXCPU, then SIGKILL, "
               "CPU time near 0.3 s (within [0.225, 0.375] s)",
               to_string(signals) + " SIGXCPU, " + run.describe() +
                   ", CPU time " + seconds_text(cpu));
}

Outcome sigpending_check(const Env& env, bool kill_side) {
  auto control = env.probe("sigqueue", {});
  if (control.last()["sigqueue_errno"] != "")
    return control_failed(control, "sigqueue with the inherited limit");
  auto run = env.probe("sigqueue", limit("sigpending=0"));
  const auto& r = run.last();
  if (kill_side) {
    return judge(r["sigqueue_errno"] == "EAGAIN" && r["kill_errno"] == "" &&
                     r.value("drained", 0) == 1,
                 "with RLIMIT_SIGPENDING 0, sigqueue fails EAGAIN but kill() "
                 "still delivers",
                 "sigqueue " + errno_or_success(r["sigqueue_errno"]) +
                     ", kill " + errno_or_success(r["kill_errno"]) + ", " +
                     json_text(r["drained"]) + " pending");
  }
  return judge(r["sigqueue_errno"] == "EAGAIN",
               "control queues SIGRTMIN; with RLIMIT_SIGPENDING 0, sigqueue "
               "fails EAGAIN",
               errno_or_success(r["sigqueue_errno"]));
}

std::vector<std::string> stack_control_limit() {
  const auto current = rlkit::getrlimit(Resource::stack);
  const std::uint64_t want = 8u << 20;
  if (current.soft >= want) return {};
  if (current.hard >= want) return limit("stack=" + to_string(want));
  return {};
}

Outcome stack_segv(const Env& env) {
  auto control = env.probe(
      "recurse", stack_control_limit() + core_one + param("frames=4096"));
  if (!control.last().value("completed", false))
    return control_failed(control, "4096 frames of 1 KiB with an 8 MiB stack");
  auto run = env.probe("recurse",
                       limit("stack=262144") + core_one + param("frames=4096"));
  const long depth = run.last().value("segv_at_depth", -1L);
  return judge(killed_by(run, SIGSEGV) && depth > 0 && depth < 4096,
               "control recurses 4096 KiB-frames; with a 256 KiB stack, "
               "SIGSEGV at a shallower depth",
               run.describe() + " at depth " + to_string(depth));
}

Outcome stack_e2big(const Env& env) {
  auto control =
      env.probe("exec-args", stack_control_limit() + param("kib=200"));
  if (control.last()["exec_errno"] != "")
    return control_failed(control,
                          "exec with 200 KiB of arguments and an 8 MiB stack");
  auto run = env.probe("exec-args", limit("stack=262144") + param("kib=200"));
  return judge(run.last()["exec_errno"] == "E2BIG",
               "control execs with 200 KiB of arguments; with a 256 KiB stack "
               "(max(64 KiB, 128 KiB) "
               "allowed), exec fails E2BIG",
               errno_or_success(run.last()["exec_errno"]));
}

Outcome nproc_unprivileged(const Env& env) {
  const Side side = env.unprivileged();
  if (!side.possible) return skip(side.reason);
  auto control =
      env.probe("nproc", param("headroom=6") + param("max=5"), &side);
  if (control.last().value("forks_ok", 0) != 5)
    return control_failed(control, "5 forks with 6 tasks of headroom");
  auto run = env.probe("nproc", param("headroom=3") + param("max=10"), &side);
  const auto& r = run.last();
  return judge(
      r.value("forks_ok", -1) == 3 && r["errno"] == "EAGAIN",
      side.who +
          ", soft = tasks of the uid + 3: 3 forks work, the next fails EAGAIN",
      json_text(r["forks_ok"]) + " forks, then " +
          errno_or_success(r["errno"]) + " (" + json_text(r["tasks_before"]) +
          " tasks before)");
}

Outcome nproc_root(const Env& env) {
  if (env.context().uid != 0 && !env.context().has(Capability::sys_admin) &&
      !env.context().has(Capability::sys_resource)) {
    return skip("needs uid 0, cap_sys_admin or cap_sys_resource");
  }
  auto run = env.probe("nproc", limit("nproc=1") + param("max=4"));
  return judge(
      run.last().value("forks_ok", -1) == 4,
      "with uid 0 / cap_sys_admin and RLIMIT_NPROC 1, 4 forks still work",
      json_text(run.last()["forks_ok"]) + " forks, " +
          errno_or_success(run.last()["errno"]));
}

Outcome rss_not_enforced(const Env& env) {
  auto run = env.probe("rss", param("limit=1048576") + param("mib=32"));
  const auto& r = run.last();
  if (!run.trouble().empty())
    return probe_failed(run, "accepted, not enforced");
  const auto soft = r["limit"]["soft"];
  return judge(r["set_errno"] == "" && soft == 1048576 &&
                   r.value("maxrss_kib", 0) >= 30 * 1024,
               "RLIMIT_RSS 1 MiB is accepted and read back, and 32 MiB can "
               "still be resident",
               "set " + errno_or_success(r["set_errno"]) + ", read back " +
                   json_text(soft) + ", maxrss " + json_text(r["maxrss_kib"]) +
                   " KiB");
}

Outcome locks_not_enforced(const Env& env) {
  auto run = env.probe("locks", limit("locks=1") + param("count=4"));
  const auto& r = run.last();
  if (!run.trouble().empty())
    return probe_failed(run, "accepted, not enforced");
  return judge(r["limit"]["soft"] == 1 && r.value("locked", 0) == 4,
               "RLIMIT_LOCKS 1 is accepted and read back, and 4 record locks "
               "are still granted",
               "read back " + json_text(r["limit"]["soft"]) + ", " +
                   json_text(r["locked"]) + " locks");
}

}  // namespace

void add_enforcement_checks(std::vector<Check>& checks) {
  auto add = [&](std::string id, std::string resource, std::string verifies,
                 std::function<Outcome(const Env&)> run, bool heavy = false,
                 bool exclusive = false) {
    checks.push_back({std::move(id), std::move(resource), std::move(verifies),
                      exclusive, heavy, std::move(run)});
  };
  add("as.enomem", "as",
      "mmap fails with ENOMEM once the address space, PROT_NONE mappings "
      "included, would exceed the soft RLIMIT_AS.",
      [](const Env& e) { return alloc_check(e, "as"); });
  add("core.zero-no-dump", "core",
      "With RLIMIT_CORE 0 a core-dumping signal kills without a core "
      "(core(5)), where the same abort with a large limit dumps one.",
      core_zero);
  add("cpu.sigxcpu-then-sigkill", "cpu",
      "SIGXCPU arrives at the soft limit and again each further CPU second, "
      "then SIGKILL at the hard limit (getrlimit(2)).",
      cpu_sigxcpu_then_sigkill, true);
  add("cpu.sigxcpu-default-terminates", "cpu",
      "Without a handler, SIGXCPU at the soft CPU limit terminates the "
      "process.",
      cpu_sigxcpu_default, true);
  add("cpu.soft-equals-hard-sigkill", "cpu",
      "With soft equal to hard, the process gets SIGKILL at the limit and no "
      "SIGXCPU.",
      cpu_soft_equals_hard, true);
  add("data.enomem", "data",
      "Private writable mappings and brk fail with ENOMEM once they would "
      "exceed the soft RLIMIT_DATA (Linux 4.7 and later).",
      [](const Env& e) { return alloc_check(e, "data"); });
  add("fsize.efbig-short-write", "fsize",
      "With SIGXFSZ ignored, a write across RLIMIT_FSIZE is short and the next "
      "write or ftruncate fails EFBIG.",
      fsize_efbig);
  add("fsize.sigxfsz", "fsize",
      "A write past RLIMIT_FSIZE raises SIGXFSZ, which terminates the process "
      "by default.",
      fsize_sigxfsz);
  add("locks.accepted-not-enforced", "locks",
      "RLIMIT_LOCKS is accepted and read back but, as documented since Linux "
      "2.4.25, not enforced.",
      locks_not_enforced);
  add("memlock.enomem-without-cap-ipc-lock", "memlock",
      "Without CAP_IPC_LOCK, mlock beyond the soft RLIMIT_MEMLOCK fails "
      "ENOMEM.",
      [](const Env& e) { return memlock_without_cap(e, false); });
  add("memlock.zero-eperm", "memlock",
      "Without CAP_IPC_LOCK and with RLIMIT_MEMLOCK 0, mlock fails EPERM.",
      [](const Env& e) { return memlock_without_cap(e, true); });
  add("memlock.cap-ipc-lock-escapes", "memlock",
      "CAP_IPC_LOCK lets a process lock memory beyond RLIMIT_MEMLOCK.",
      memlock_cap);
  add("msgqueue.emfile", "msgqueue",
      "mq_open(O_CREAT) fails EMFILE when the queue's bytes would exceed the "
      "real uid's RLIMIT_MSGQUEUE.",
      msgqueue_emfile);
  add("nice.ceiling-eacces", "nice",
      "Without CAP_SYS_NICE, setpriority below the ceiling 20 - RLIMIT_NICE "
      "fails EACCES, at the ceiling it works.",
      nice_ceiling);
  add("nice.zero-refuses-lowering", "nice",
      "Without CAP_SYS_NICE and with RLIMIT_NICE 0, the nice value may rise "
      "but not fall (setpriority EACCES, nice EPERM).",
      nice_zero);
  add("nice.cap-sys-nice-escapes", "nice",
      "CAP_SYS_NICE lets a process lower its nice value past the RLIMIT_NICE "
      "ceiling.",
      nice_cap);
  add("nofile.emfile", "nofile",
      "Opening a descriptor at or above the soft RLIMIT_NOFILE fails EMFILE.",
      nofile_emfile);
  add("nofile.dup2-ebadf", "nofile",
      "dup2 to a descriptor at or above the soft RLIMIT_NOFILE fails EBADF, "
      "and F_DUPFD fails EINVAL.",
      nofile_dup2);
  add("nproc.eagain-unprivileged", "nproc",
      "fork fails EAGAIN once the real uid's tasks reach the soft "
      "RLIMIT_NPROC, for a user without privilege.",
      nproc_unprivileged, false, true);
  add("nproc.root-escapes", "nproc",
      "uid 0 in the initial user namespace (and CAP_SYS_ADMIN or "
      "CAP_SYS_RESOURCE) escapes RLIMIT_NPROC.",
      nproc_root);
  add("rss.accepted-not-enforced", "rss",
      "RLIMIT_RSS is accepted and read back but, as documented since Linux "
      "2.4.30, not enforced.",
      rss_not_enforced);
  add("rtprio.limit-eperm", "rtprio",
      "Without CAP_SYS_NICE, SCHED_FIFO up to RLIMIT_RTPRIO works and above it "
      "fails EPERM.",
      rtprio_limit);
  add("rtprio.zero-eperm", "rtprio",
      "Without CAP_SYS_NICE and with RLIMIT_RTPRIO 0, switching to SCHED_FIFO "
      "fails EPERM.",
      rtprio_zero);
  add("rtprio.cap-sys-nice-escapes", "rtprio",
      "CAP_SYS_NICE lets a process use SCHED_FIFO above RLIMIT_RTPRIO.",
      rtprio_cap);
  add("rttime.sigxcpu-then-sigkill", "rttime",
      "A real-time task that runs past the soft RLIMIT_RTTIME without blocking "
      "gets SIGXCPU, and SIGKILL at the hard limit.",
      rttime_check, true);
  add("sigpending.sigqueue-eagain", "sigpending",
      "sigqueue of a real-time signal fails EAGAIN once the real uid's queued "
      "signals reach RLIMIT_SIGPENDING.",
      [](const Env& e) { return sigpending_check(e, false); });
  add("sigpending.kill-exempt", "sigpending",
      "Signals sent by kill() are not charged to RLIMIT_SIGPENDING and are "
      "still delivered at limit 0.",
      [](const Env& e) { return sigpending_check(e, true); });
  add("stack.sigsegv", "stack",
      "Main-thread stack growth past the soft RLIMIT_STACK raises SIGSEGV, at "
      "a shallower depth than with a larger limit.",
      stack_segv);
  add("stack.exec-e2big", "stack",
      "execve fails E2BIG when arguments and environment exceed a quarter of "
      "the soft RLIMIT_STACK (at least 128 KiB).",
      stack_e2big);
}

}  // namespace conformance
