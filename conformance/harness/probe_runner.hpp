// Starts the probe with Boost.Process under a deadline of our own, in its own
// process group and its own temporary folder, and reaps it with wait4 so the
// verdict sees the real exit status, terminating signal and usage.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rlkit/child.hpp"

namespace conformance {

struct ProbeRun {
  std::string action;
  std::vector<std::string> options;  // --limit, --param, ...
  std::optional<uid_t> become;       // the gid is the same number
  std::chrono::milliseconds deadline{5000};
  bool may_time_out = false;  // only the check of the deadline itself
};

struct ProbeResult {
  rlkit::ChildStatus status;
  bool timed_out = false;
  std::string spawn_error;            // non-empty: the probe never ran
  std::vector<nlohmann::json> lines;  // every JSON line it wrote
  std::string stderr_text;
  std::vector<std::string> files;  // what it left in its folder
  double seconds = 0;

  bool ran() const { return spawn_error.empty(); }
  // The last line: the result, or the last progress of a probe that died.
  const nlohmann::json& last() const;
  // How many lines carry `key`; the probe writes one per SIGXCPU, for one.
  int count(const std::string& key) const;
  // "exited with status 0", "killed by SIGKILL", "timed out after 5 s", or
  // the setup error the probe reported.
  std::string describe() const;
  // Non-empty when the probe failed before or outside its action; checks
  // fail with this reason rather than judge a probe that did not act.
  std::string trouble() const;
};

class ProbeRunner {
 public:
  // Deadlines are multiplied by `slowdown`: a launcher such as valgrind or
  // qemu-user makes every probe many times slower to start and to run.
  ProbeRunner(std::vector<std::string> launcher, std::string probe,
              std::filesystem::path temp_root, double slowdown = 1);

  // `folder` names the private folder under the temporary root; it is
  // created (world-writable when the probe becomes another user), and
  // removed with everything in it after the probe and its group are gone.
  ProbeResult run(const ProbeRun& request, const std::string& folder) const;

  const std::vector<std::string>& launcher() const { return launcher_; }
  const std::string& probe() const { return probe_; }
  const std::filesystem::path& temp_root() const { return temp_root_; }
  double slowdown() const { return slowdown_; }

 private:
  std::vector<std::string> launcher_;
  std::string probe_;
  std::filesystem::path temp_root_;
  double slowdown_;
};

}  // namespace conformance
