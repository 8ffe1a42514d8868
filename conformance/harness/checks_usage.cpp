// Usage accounting checks. All but one measure inside a probe that spawns
// its own children, so that RUSAGE_CHILDREN is the probe's alone; the one
// that compares wait4 with the harness's own RUSAGE_CHILDREN runs alone.
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "check.hpp"
#include "rlkit/json.hpp"
#include "rlkit/usage.hpp"

namespace conformance {
namespace {

using std::to_string;

std::int64_t num(const nlohmann::json& r, const char* key) {
  return r.value(key, std::int64_t{-1});
}

std::string ms(std::int64_t us) { return to_string(us / 1000) + " ms"; }

constexpr std::int64_t burn_us = 200000;
// CPU accounting is tick- and scheduler-based: allow 15% below the burn.
constexpr std::int64_t at_least_us = burn_us * 85 / 100;

Outcome zombie(const Env& env) {
  auto run = env.probe("zombie-usage", {"--param", "burn_ms=200"});
  if (!run.trouble().empty())
    return probe_failed(run, "unchanged, then increased");
  const auto& r = run.last();
  const auto zombie_delta = num(r, "zombie_us") - num(r, "before_us");
  const auto after_delta = num(r, "after_us") - num(r, "before_us");
  return judge(zombie_delta == 0 && after_delta >= at_least_us &&
                   after_delta == num(r, "child_us"),
               "RUSAGE_CHILDREN +0 while the child is a zombie, + the child's "
               "own CPU time (>= 170 ms) "
               "after wait4",
               "as zombie +" + ms(zombie_delta) + ", after wait +" +
                   ms(after_delta) + ", child's own " + ms(num(r, "child_us")));
}

Outcome grandchild_waited(const Env& env) {
  auto run = env.probe("grandchild-usage",
                       {"--param", "parent_waits=1", "--param", "burn_ms=200"});
  if (!run.trouble().empty()) return probe_failed(run, "counted");
  const auto& r = run.last();
  const auto delta = num(r, "after_child_us") - num(r, "before_us");
  return judge(delta >= at_least_us && num(r, "child_us") >= at_least_us,
               "a grandchild waited for by its parent counts in the parent's "
               "usage and so in ours "
               "(>= 170 ms)",
               "+" + ms(delta) + " after waiting for the child");
}

Outcome grandchild_unwaited(const Env& env) {
  auto run = env.probe("grandchild-usage",
                       {"--param", "parent_waits=0", "--param", "burn_ms=200"});
  if (!run.trouble().empty()) return probe_failed(run, "not counted");
  const auto& r = run.last();
  const auto child_delta = num(r, "after_child_us") - num(r, "before_us");
  const auto zombie_delta =
      num(r, "grandchild_zombie_us") - num(r, "after_child_us");
  const auto reap_delta =
      num(r, "after_reap_us") - num(r, "grandchild_zombie_us");
  return judge(child_delta < burn_us / 4 && zombie_delta == 0 &&
                   reap_delta >= at_least_us,
               "a grandchild its parent did not wait for is not counted (< 50 "
               "ms after the child), "
               "not as a zombie either, and counts once its new parent (this "
               "subreaper) waits",
               "after the child +" + ms(child_delta) +
                   ", grandchild as zombie +" + ms(zombie_delta) +
                   ", after reaping it +" + ms(reap_delta));
}

Outcome sigchld_ignored(const Env& env) {
  auto run = env.probe("sigchld-ignored", {"--param", "burn_ms=200"});
  if (!run.trouble().empty()) return probe_failed(run, "nothing counted");
  const auto& r = run.last();
  const auto delta = num(r, "after_us") - num(r, "before_us");
  return judge(r["wait_errno"] == "ECHILD" && delta == 0,
               "with SIGCHLD ignored, wait fails ECHILD once the child has "
               "gone and RUSAGE_CHILDREN "
               "does not grow",
               "wait " + errno_or_success(r["wait_errno"]) + ", +" + ms(delta));
}

Outcome maxrss(const Env& env) {
  auto run =
      env.probe("maxrss", {"--param", "big_mib=96", "--param", "small_mib=24"});
  if (!run.trouble().empty()) return probe_failed(run, "the largest child");
  const auto& r = run.last();
  const auto big = r["children_own_kib"][0].get<std::int64_t>();
  const auto small = r["children_own_kib"][1].get<std::int64_t>();
  const auto children = num(r, "children_kib");
  return judge(big >= std::int64_t{96} * 1024 &&
                   children == std::max(big, small) && children < big + small,
               "RUSAGE_CHILDREN maxrss is the largest child's own (>= 96 MiB, "
               "far larger than the probe), "
               "not the sum",
               "children " + to_string(children) + " KiB; own " +
                   to_string(big) + " and " + to_string(small) +
                   " KiB; probe " + to_string(num(r, "self_kib")) + " KiB");
}

Outcome threads(const Env& env) {
  auto run = env.probe("threads",
                       {"--param", "worker_ms=300", "--param", "main_ms=100"});
  if (!run.trouble().empty()) return probe_failed(run, "thread < self");
  const auto& r = run.last();
  const auto thread = num(r, "thread_us");
  const auto self = num(r, "self_us");
  return judge(thread >= 85000 && thread < 200000 && self >= 340000,
               "RUSAGE_THREAD of the main thread ~100 ms (within [85, 200) "
               "ms), RUSAGE_SELF >= 340 ms "
               "with a 300 ms worker",
               "thread " + ms(thread) + ", self " + ms(self));
}

Outcome unfilled(const Env& env) {
  auto run = env.probe("fields", {});
  if (!run.trouble().empty()) return probe_failed(run, "zero");
  const auto& final = run.last()["final"];
  std::string nonzero;
  std::string names;
  for (const auto& field : rlkit::usage_fields()) {
    if (field.filled_on_linux) continue;
    const std::string name(field.name);
    names += (names.empty() ? "" : ", ") + name;
    if (final.value(name, std::int64_t{-1}) != 0)
      nonzero += " " + name + "=" + final.value(name, nlohmann::json()).dump();
  }
  return judge(nonzero.empty() && !names.empty(),
               "the fields Linux never fills (" + names +
                   ") are zero, even after a handled signal",
               nonzero.empty() ? "all zero" : "non-zero:" + nonzero);
}

Outcome minflt(const Env& env) {
  auto run = env.probe("fields", {"--param", "touch_mib=16"});
  if (!run.trouble().empty()) return probe_failed(run, "grows");
  const auto& r = run.last();
  return judge(num(r, "minflt_delta") >= num(r, "pages_touched") * 9 / 10,
               "touching " + to_string(num(r, "pages_touched")) +
                   " new pages adds at least 90% as many minor faults",
               "+" + to_string(num(r, "minflt_delta")) + " minflt");
}

Outcome nvcsw(const Env& env) {
  auto run = env.probe("fields", {"--param", "touch_mib=1"});
  if (!run.trouble().empty()) return probe_failed(run, "grows");
  const auto& r = run.last();
  return judge(num(r, "nvcsw_delta") >= 5,
               "5 sleeps add at least 5 voluntary context switches",
               "+" + to_string(num(r, "nvcsw_delta")) + " nvcsw");
}

Outcome oublock(const Env& env) {
  auto run = env.probe("fields", {"--param", "touch_mib=1"});
  if (!run.trouble().empty()) return probe_failed(run, "grows");
  const auto& r = run.last();
  if (r.value("memory_filesystem", false)) {
    return skip(
        "the temporary folder is on tmpfs or ramfs, which does no block "
        "output");
  }
  return judge(num(r, "oublock_delta") > 0,
               "1 MiB written and fsynced adds block output operations",
               "+" + to_string(num(r, "oublock_delta")) + " oublock");
}

Outcome wait4_agrees(const Env& env) {
  const auto before = rlkit::getrusage(rlkit::Who::children);
  auto run = env.probe("burn", {"--param", "ms=200"});
  const auto after = rlkit::getrusage(rlkit::Who::children);
  if (!run.trouble().empty()) return probe_failed(run, "equal");
  const auto diff = rlkit::difference(before, after);
  const auto& own = run.status.usage;
  const auto gap = (diff.cpu_time() - own.cpu_time()).count();
  // wait_task_zombie() adds the child's switch counts to the parent before
  // it fills wait4's rusage, and the dying task's final switch away (in
  // do_task_dead(), a voluntary one) may land between the two reads: wait4
  // can then report one voluntary switch more.
  const bool voluntary_agree =
      own.nvcsw == diff.nvcsw || own.nvcsw == diff.nvcsw + 1;
  const bool same = std::abs(gap) <= 1000 && diff.minflt == own.minflt &&
                    diff.majflt == own.majflt && voluntary_agree &&
                    diff.nivcsw == own.nivcsw &&
                    own.cpu_time().count() >= at_least_us;
  return judge(same,
               "the harness's RUSAGE_CHILDREN grows by the probe's wait4 "
               "usage (CPU within 1 ms; minflt, majflt, nivcsw equal; nvcsw "
               "equal, or wait4 one higher for the dying task's last switch)",
               "wait4 " + ms(own.cpu_time().count()) + " minflt " +
                   to_string(own.minflt) + " nvcsw " + to_string(own.nvcsw) +
                   " nivcsw " + to_string(own.nivcsw) + "; RUSAGE_CHILDREN +" +
                   ms(diff.cpu_time().count()) + " minflt +" +
                   to_string(diff.minflt) + " nvcsw +" + to_string(diff.nvcsw) +
                   " nivcsw +" + to_string(diff.nivcsw));
}

Outcome deadline(const Env& env) {
  ProbeRun request{"sleep",
                   {"--param", "ms=60000"},
                   std::nullopt,
                   std::chrono::milliseconds(300),
                   true};
  auto run = env.probe(request);
  errno = 0;
  const bool group_gone = ::kill(-run.status.pid, 0) == -1 && errno == ESRCH;
  // The deadline is scaled for a slow launcher; the kill must follow it.
  const double deadline = 0.3 * env.context().runner->slowdown();
  char timing[96];
  std::snprintf(timing, sizeof timing, " after %.2f s (deadline %.2f s)",
                run.seconds, deadline);
  return judge(run.timed_out && run.status.signaled() &&
                   run.status.signal() == SIGKILL && group_gone &&
                   run.seconds < deadline + 1.0,
               "a probe sleeping 60 s is killed with its group at its "
               "deadline and reaped within 1 s of it",
               run.describe() + timing +
                   (group_gone ? ", group gone" : ", group STILL THERE"));
}

}  // namespace

void add_usage_checks(std::vector<Check>& checks) {
  auto add = [&](std::string id, std::optional<std::string> resource,
                 std::string verifies, std::function<Outcome(const Env&)> run,
                 bool exclusive = false) {
    checks.push_back({std::move(id), std::move(resource), std::move(verifies),
                      exclusive, false, std::move(run)});
  };
  add("children.zombie-then-wait", std::nullopt,
      "RUSAGE_CHILDREN does not include a child while it is a zombie, and does "
      "once it is waited for.",
      zombie);
  add("children.grandchild-waited", std::nullopt,
      "A grandchild's usage reaches RUSAGE_CHILDREN when its parent waited for "
      "it.",
      grandchild_waited);
  add("children.only-after-wait", std::nullopt,
      "A grandchild its parent did not wait for is not counted, until a "
      "process waits for it.",
      grandchild_unwaited);
  add("children.sigchld-ignored", std::nullopt,
      "Children of a process that ignores SIGCHLD are never counted in "
      "RUSAGE_CHILDREN.",
      sigchld_ignored);
  add("children.maxrss-largest", std::nullopt,
      "RUSAGE_CHILDREN's ru_maxrss is the largest single child's, not a sum.",
      maxrss);
  add("usage.thread-vs-self", std::nullopt,
      "RUSAGE_THREAD counts the calling thread alone, RUSAGE_SELF all threads.",
      threads);
  add("usage.unfilled-fields-zero", std::nullopt,
      "Linux leaves ru_ixrss, ru_idrss, ru_isrss, ru_nswap, ru_msgsnd, "
      "ru_msgrcv and ru_nsignals at zero.",
      unfilled);
  add("usage.minflt-on-touch", std::nullopt,
      "ru_minflt grows as new pages are touched.", minflt);
  add("usage.nvcsw-on-sleep", std::nullopt,
      "ru_nvcsw grows when the process sleeps.", nvcsw);
  add("usage.oublock-on-sync", std::nullopt,
      "ru_oublock grows when written data is synced to a block device.",
      oublock);
  add("children.wait4-agrees", std::nullopt,
      "A child's usage from wait4 equals the growth of the parent's "
      "RUSAGE_CHILDREN when it is reaped.",
      wait4_agrees, true);
  add("harness.deadline-kills-group", std::nullopt,
      "The harness kills and reaps a probe and its process group at the "
      "check's deadline.",
      deadline);
}

}  // namespace conformance
