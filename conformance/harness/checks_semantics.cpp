// Checks of what setrlimit and prlimit accept and refuse, and of how limits
// pass from a process to its children.
#include <fstream>
#include <string>

#include "check.hpp"
#include "rlkit/limits.hpp"

namespace conformance {
namespace {

using rlkit::Capability;

Outcome soft_above_hard(const Env& env) {
  auto run = env.probe("soft-above-hard", {});
  if (!run.trouble().empty()) return probe_failed(run, "EINVAL");
  const auto& r = run.last();
  return judge(r["errno"] == "EINVAL" && r["thrown"] == "limit_error EINVAL" &&
                   r.value("unchanged", false),
               "EINVAL (rlkit::limit_error), limits unchanged",
               errno_or_success(r["errno"]) +
                   ", thrown: " + json_text(r["thrown"]) +
                   (r.value("unchanged", false) ? ", unchanged" : ", CHANGED"));
}

// Run where CAP_SYS_RESOURCE is absent: as this run's user when it lacks the
// capability, else as an unused uid.
Outcome raise_hard_without(const Env& env) {
  Side side;
  if (!env.context().has(Capability::sys_resource)) {
    side.possible = true;
    side.who = "as this run's user, without cap_sys_resource";
  } else {
    side = env.unprivileged();
    if (!side.possible) return skip(side.reason);
  }
  auto run = env.probe("raise-hard", {}, &side);
  if (!run.trouble().empty()) return probe_failed(run, "EPERM");
  const auto& r = run.last();
  return judge(
      r["lower_errno"] == "" && r["soft_down_errno"] == "" &&
          r["soft_up_errno"] == "" && r["raise_errno"] == "EPERM" &&
          r["thrown"] == "limit_error EPERM",
      side.who +
          ": lowering the hard NOFILE limit works, the soft limit moves freely "
          "under "
          "it, raising the hard limit back fails EPERM (rlkit::limit_error)",
      "lower " + errno_or_success(r["lower_errno"]) + ", soft down/up " +
          errno_or_success(r["soft_down_errno"]) + "/" +
          errno_or_success(r["soft_up_errno"]) + ", raise " +
          errno_or_success(r["raise_errno"]) +
          ", thrown: " + json_text(r["thrown"]));
}

Outcome raise_hard_with(const Env& env) {
  const Side side = env.privileged(Capability::sys_resource);
  if (!side.possible) return skip(side.reason);
  auto run = env.probe("raise-hard", {});
  if (!run.trouble().empty()) return probe_failed(run, "success");
  const auto& r = run.last();
  return judge(
      r["lower_errno"] == "" && r["raise_errno"] == "",
      "with cap_sys_resource, a lowered hard NOFILE limit can be raised again",
      "lower " + errno_or_success(r["lower_errno"]) + ", raise " +
          errno_or_success(r["raise_errno"]) + ", now " +
          r["after_raise"].dump());
}

Outcome nr_open(const Env& env) {
  const Side side = env.privileged(Capability::sys_resource);
  if (!side.possible) {
    return skip(
        "needs cap_sys_resource: without it every raise of the hard limit is "
        "EPERM, "
        "so the fs.nr_open rule cannot be told apart");
  }
  auto run = env.probe("nofile-above-nr-open", {});
  if (!run.trouble().empty()) return probe_failed(run, "EPERM");
  const auto& r = run.last();
  return judge(r["above_errno"] == "EPERM" && r["at_errno"] == "",
               "with cap_sys_resource, hard NOFILE = fs.nr_open works and "
               "fs.nr_open + 1 fails EPERM",
               "nr_open " + json_text(r["nr_open"]) + ": at " +
                   errno_or_success(r["at_errno"]) + ", above " +
                   errno_or_success(r["above_errno"]));
}

Outcome infinity(const Env& env) {
  auto run = env.probe("infinity", {});
  if (!run.trouble().empty())
    return probe_failed(run, "RLIM_INFINITY read back");
  const auto& r = run.last();
  return judge(r["finite_errno"] == "" && r["infinite_errno"] == "" &&
                   r.value("soft_is_rlim_infinity", false) &&
                   r.value("prlimit_agrees", false) &&
                   r["json"]["soft"] == "unlimited",
               "soft 1000 then RLIM_INFINITY on a resource with an unlimited "
               "hard limit: read back as "
               "RLIM_INFINITY by getrlimit and prlimit, \"unlimited\" in JSON",
               json_text(r["resource"]) + ": " + r["after"].dump() +
                   (r.value("prlimit_agrees", false) ? ", prlimit agrees"
                                                     : ", prlimit DIFFERS"));
}

Outcome inherited(const Env& env) {
  auto run = env.probe("inherit", {"--limit", "nofile=123:456", "--limit",
                                   "fsize=1000000:2000000"});
  if (!run.trouble().empty())
    return probe_failed(run, "the same limits after fork and exec");
  const auto& r = run.last();
  const nlohmann::json want = {
      {"fsize", {{"hard", 2000000}, {"soft", 1000000}}},
      {"nofile", {{"hard", 456}, {"soft", 123}}}};
  return judge(r["fork"] == want && r["exec"] == want && r["self"] == want,
               "NOFILE 123/456 and FSIZE 1000000/2000000 seen by the probe, "
               "its forked child and the "
               "program it execs",
               "fork " + r["fork"].dump() + ", exec " +
                   r.value("exec", nlohmann::json()).dump());
}

Outcome prlimit_child(const Env& env) {
  auto run = env.probe("prlimit-child", {});
  if (!run.trouble().empty()) return probe_failed(run, "read, set, old value");
  const auto& r = run.last();
  return judge(r["old"] == r["read"] && r["back"] == r["wanted"] &&
                   r.value("pid0_agrees", false),
               "prlimit on a child reads its limits, sets new ones and returns "
               "the old ones; pid 0 is "
               "the caller",
               "read " + r["read"].dump() + ", old " + r["old"].dump() +
                   ", back " + r["back"].dump());
}

Outcome prlimit_esrch(const Env& env) {
  auto run = env.probe("prlimit-child", {});
  if (!run.trouble().empty()) return probe_failed(run, "ESRCH");
  const auto& r = run.last();
  return judge(r["negative_errno"] == "ESRCH" &&
                   r["unknown_errno"] == "ESRCH" &&
                   r["reaped_errno"] == "ESRCH" &&
                   r["negative_thrown"] == "no_such_process ESRCH" &&
                   r["unknown_thrown"] == "no_such_process ESRCH",
               "ESRCH (rlkit::no_such_process) for pid -1, an unused pid and a "
               "reaped child",
               "-1 " + errno_or_success(r["negative_errno"]) + ", unused " +
                   errno_or_success(r["unknown_errno"]) + ", reaped " +
                   errno_or_success(r["reaped_errno"]) +
                   ", thrown: " + json_text(r["negative_thrown"]));
}

Outcome prlimit_eperm(const Env& env) {
  const Side side = env.unprivileged();
  if (!side.possible) return skip(side.reason);
  auto run = env.probe("prlimit-other", {"--param", "pid=1"}, &side);
  if (!run.trouble().empty()) return probe_failed(run, "EPERM");
  const auto& r = run.last();
  if (r["target_uid"] == r["uid"] || r["target_uid"] == -1) {
    return skip("pid 1 is not another user's process here (uid " +
                json_text(r["target_uid"]) + ")");
  }
  return judge(
      r["errno"] == "EPERM" && r["thrown"] == "permission_denied EPERM",
      side.who + ", prlimit on pid 1 (uid " + json_text(r["target_uid"]) +
          ") fails EPERM (rlkit::permission_denied)",
      errno_or_success(r["errno"]) + ", thrown: " + json_text(r["thrown"]));
}

Outcome pagesize(const Env& env) {
  auto run = env.probe("pagesize", {});
  if (!run.trouble().empty()) return probe_failed(run, "equal");
  const auto& r = run.last();
  return judge(
      r["getpagesize"] == r["sysconf"] && r["libc_getpagesize"] == r["sysconf"],
      "rlkit::getpagesize() == sysconf(_SC_PAGESIZE)",
      json_text(r["getpagesize"]) + " and " + json_text(r["sysconf"]));
}

}  // namespace

void add_semantics_checks(std::vector<Check>& checks) {
  auto add = [&](std::string id, std::string verifies,
                 std::function<Outcome(const Env&)> run) {
    checks.push_back({std::move(id), std::nullopt, std::move(verifies), false,
                      false, std::move(run)});
  };
  add("limits.soft-above-hard-einval",
      "setrlimit with the soft limit above the hard limit fails EINVAL.",
      soft_above_hard);
  add("limits.raise-hard-eperm-without-cap",
      "Without CAP_SYS_RESOURCE a process may lower its hard limit but not "
      "raise it again (EPERM).",
      raise_hard_without);
  add("limits.raise-hard-with-cap",
      "With CAP_SYS_RESOURCE a process may raise its hard limit.",
      raise_hard_with);
  add("limits.nofile-above-nr-open",
      "A hard RLIMIT_NOFILE above fs.nr_open is refused with EPERM even with "
      "CAP_SYS_RESOURCE.",
      nr_open);
  add("limits.infinity-round-trip",
      "RLIM_INFINITY set as a soft limit reads back as RLIM_INFINITY.",
      infinity);
  add("limits.inherited-fork-exec",
      "Limits are inherited across fork and kept across execve.", inherited);
  add("prlimit.child",
      "prlimit reads and sets another process's limits and returns the old "
      "ones.",
      prlimit_child);
  add("prlimit.esrch",
      "prlimit on an unknown pid, a negative one included, fails ESRCH.",
      prlimit_esrch);
  add("prlimit.eperm-other-user",
      "prlimit on a process whose ids differ from the caller's fails EPERM "
      "without CAP_SYS_RESOURCE.",
      prlimit_eperm);
  add("pagesize.equals-sysconf", "getpagesize() equals sysconf(_SC_PAGESIZE).",
      pagesize);
}

}  // namespace conformance
