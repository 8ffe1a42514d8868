#include "runner.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "rlkit/json.hpp"
#include "rlkit/platform.hpp"

namespace conformance {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::uint64_t capability_set(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0)
      return std::stoull(line.substr(std::string(field).size()), nullptr, 16);
  }
  return 0;
}

// Every capability this kernel knows; the bounding set where it cannot say.
std::uint64_t known_capabilities() {
  int last = -1;
  std::ifstream("/proc/sys/kernel/cap_last_cap") >> last;
  if (last < 0 || last > 63) return capability_set("CapBnd:");
  return last == 63 ? ~std::uint64_t{0} : (std::uint64_t{1} << (last + 1)) - 1;
}

// Every uid (real, effective, saved, filesystem) some process runs as now.
std::set<unsigned long> uids_in_use() {
  std::set<unsigned long> uids;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return uids;
  while (dirent* entry = ::readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::ifstream status(std::string("/proc/") + entry->d_name + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("Uid:", 0) != 0) continue;
      std::istringstream fields(line.substr(4));
      unsigned long uid;
      while (fields >> uid) uids.insert(uid);
      break;
    }
  }
  ::closedir(proc);
  return uids;
}

uid_t first_unused_uid(std::size_t count) {
  const auto used = uids_in_use();
  unsigned long base = 2000000000UL;
  while (true) {
    auto it = used.lower_bound(base);
    if (it == used.end() || *it >= base + count)
      return static_cast<uid_t>(base);
    base += count;
  }
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

fs::path make_temp_root() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") +
                        "/rlkit-conformance.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(),
                            "cannot create a folder under " + pattern);
  }
  // Other users (the unused uids) must reach their own world-writable
  // subfolders, but need not list this one.
  fs::permissions(pattern, fs::perms::owner_all | fs::perms::group_exec |
                               fs::perms::others_exec);
  return pattern;
}

std::string read_core_pattern() {
  std::string pattern;
  std::getline(std::ifstream("/proc/sys/kernel/core_pattern"), pattern);
  return pattern;
}

}  // namespace

std::string privilege_level(uid_t euid, std::uint64_t effective,
                            std::uint64_t known,
                            std::vector<std::string>& missing) {
  missing.clear();
  if (euid != 0) return "unprivileged";
  const std::uint64_t lacking = known & ~effective;
  for (int cap = 0; cap < 64; ++cap) {
    if ((lacking >> cap) & 1U)
      missing.push_back(rlkit::Capabilities::name(cap));
  }
  return missing.empty() ? "root" : "root-restricted";
}

void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path folder =
      path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::string temp =
      (folder / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(),
                            "cannot create " + temp);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;  // retried: nothing was written
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      throw std::system_error(error, std::generic_category(),
                              "cannot write " + temp);
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, 0644);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    throw std::system_error(error, std::generic_category(),
                            "cannot sync " + temp);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    throw std::system_error(error, std::generic_category(),
                            "cannot rename to " + path.string());
  }
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // the rename itself; best effort, some filesystems refuse
    ::close(dir);
  }
}

Runner::Runner(RunOptions options)
    : options_(std::move(options)),
      temp_root_(make_temp_root()),
      runner_(options_.launcher, options_.probe, temp_root_,
              options_.slowdown > 0       ? options_.slowdown
              : options_.launcher.empty() ? 1.0
                                          : 5.0) {
  // A runner may hand us SIGCHLD ignored, which would make the kernel reap
  // our children before wait4 sees them.
  ::signal(SIGCHLD, SIG_DFL);
  // Grandchildren that outlive a killed probe come back to us to be reaped.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  context_.runner = &runner_;
  context_.capabilities = rlkit::effective_capabilities();
  context_.euid = ::geteuid();
  context_.uid = ::getuid();
  context_.first_unused_uid = first_unused_uid(all_checks().size());
  context_.core_pattern = read_core_pattern();
  promises_.resize(all_checks().size());
  for (auto& promise : promises_)
    futures_.push_back(promise.get_future().share());
  final_future_ = final_promise_.get_future().share();
}

Runner::~Runner() {
  if (driver_.joinable()) driver_.join();
  std::error_code ec;
  fs::remove_all(temp_root_, ec);
}

void Runner::start(const std::vector<std::size_t>& selected) {
  selected_ = selected;
  driver_ = std::thread([this, selected] { drive(selected); });
}

const CheckResult& Runner::result(std::size_t index) {
  return index == final_check ? final_future_.get() : futures_.at(index).get();
}

CheckResult Runner::run_one(std::size_t index) {
  const Check& check = all_checks()[index];
  const auto started = Clock::now();
  CheckResult result{check.id, check.resource, check.verifies, {}, 0};
  try {
    Env env(context_, index, check.id);
    result.outcome = check.run(env);
  } catch (const ProbeTrouble& e) {
    result.outcome = fail("", e.observed(), e.what());
  } catch (const std::exception& e) {
    result.outcome =
        fail("", "", std::string("the check itself failed: ") + e.what());
  }
  if (result.outcome.verdict == Verdict::pass) result.outcome.reason.clear();
  result.duration_seconds =
      std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

void Runner::drive(const std::vector<std::size_t>& selected) {
  const auto started = Clock::now();
  started_utc_ = utc_now();
  {
    ProbeRun describe;
    describe.action = "describe";
    auto run = runner_.run(describe, "describe");
    if (run.last().contains("platform")) {
      probe_platform_ = run.last()["platform"];
    } else {
      notes_.push_back("the probe could not describe its platform (" +
                       run.describe() + "); the report shows the harness's");
      probe_platform_ = rlkit::describe_platform();
    }
  }
  std::vector<std::size_t> parallel;
  for (std::size_t index : selected) {
    if (all_checks()[index].exclusive) {
      promises_[index].set_value(run_one(index));
    } else {
      parallel.push_back(index);
    }
  }
  // The CPU burners first, so that they overlap everything else.
  std::stable_sort(parallel.begin(), parallel.end(),
                   [](std::size_t a, std::size_t b) {
                     return all_checks()[a].heavy && !all_checks()[b].heavy;
                   });
  const int jobs =
      options_.jobs > 0
          ? options_.jobs
          : static_cast<int>(std::max<std::size_t>(parallel.size(), 1));
  jobs_used_ =
      std::max(1, std::min<int>(jobs, static_cast<int>(std::max<std::size_t>(
                                          parallel.size(), 1))));
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < jobs_used_; ++i) {
    workers.emplace_back([&] {
      for (std::size_t at; (at = next++) < parallel.size();) {
        promises_[parallel[at]].set_value(run_one(parallel[at]));
      }
    });
  }
  for (auto& worker : workers) worker.join();
  for (std::size_t index : selected) done_.push_back(futures_[index].get());
  auto final = leaves_nothing();
  done_.push_back(final);
  wall_seconds_ = std::chrono::duration<double>(Clock::now() - started).count();
  final_promise_.set_value(final);
}

// Runs after every other check: reaps what came back to this subreaper, and
// looks for anything a probe could have left.
CheckResult Runner::leaves_nothing() {
  const auto started = Clock::now();
  int strays = 0;
  const auto give_up = Clock::now() + std::chrono::seconds(2);
  while (Clock::now() < give_up) {
    const pid_t pid = ::waitpid(-1, nullptr, WNOHANG);
    if (pid > 0) {
      ++strays;
    } else if (pid == 0) {
      ::usleep(5000);  // killed, not yet dead
    } else if (errno != EINTR) {
      break;  // ECHILD: none left
    }
  }
  errno = 0;
  const bool no_children =
      ::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD;
  const auto used = uids_in_use();
  const auto first = context_.first_unused_uid;
  auto it = used.lower_bound(first);
  const bool no_uid = it == used.end() || *it >= first + all_checks().size();
  std::size_t leftovers = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(temp_root_, ec)) {
    (void)entry;
    ++leftovers;
  }
  fs::remove_all(temp_root_, ec);
  const bool root_gone = !fs::exists(temp_root_);
  std::string observed =
      std::to_string(strays) + " stray grandchildren reaped; " +
      (no_children ? "no children left" : "CHILDREN LEFT") + "; " +
      (no_uid ? "no process of the check uids"
              : "A PROCESS RUNS AS A CHECK UID") +
      "; " + std::to_string(leftovers) + " folders left, temporary root " +
      (root_gone ? "removed" : "NOT REMOVED");
  CheckResult result{
      "harness.leaves-nothing", std::nullopt,
      "After the run no probe, grandchild, zombie or temporary folder remains.",
      judge(no_children && no_uid && leftovers == 0 && root_gone,
            "no children, no process of the check uids, no folders left",
            observed),
      0};
  result.duration_seconds =
      std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

nlohmann::json Runner::report() const {
  nlohmann::json checks = nlohmann::json::array();
  std::map<std::string, int> summary{{"pass", 0}, {"fail", 0}, {"skip", 0}};
  for (const auto& result : done_) {
    const std::string verdict = to_string(result.outcome.verdict);
    ++summary[verdict];
    checks.push_back(
        {{"id", result.id},
         {"resource", result.resource ? nlohmann::json(*result.resource)
                                      : nlohmann::json()},
         {"verifies", result.verifies},
         {"expected", result.outcome.expected},
         {"observed", result.outcome.observed},
         {"verdict", verdict},
         {"reason", result.outcome.reason},
         {"duration_seconds", result.duration_seconds}});
  }
  std::vector<std::string> missing;
  const std::string privilege = privilege_level(
      context_.euid, context_.capabilities.mask, known_capabilities(), missing);
  return {{"schema", {{"name", "rlkit-conformance"}, {"version", 1}}},
          {"platform", probe_platform_},
          {"harness_platform", rlkit::describe_platform()},
          {"run",
           {{"started", started_utc_},
            {"wall_seconds", wall_seconds_},
            {"jobs", jobs_used_},
            {"launcher", options_.launcher},
            {"probe", options_.probe},
            {"privilege", privilege},
            {"missing_capabilities", missing}}},
          {"checks", checks},
          {"summary", summary}};
}

void Runner::finish() {
  // Listing the tests (--gtest_list_tests) starts nothing: nothing to report.
  if (!driver_.joinable()) return;
  driver_.join();
  if (!options_.report.empty()) {
    write_atomically(options_.report, report().dump(2) + "\n");
  }
}

}  // namespace conformance
