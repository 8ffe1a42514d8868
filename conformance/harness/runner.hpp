// Runs the checks in parallel and writes the conformance report.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "check.hpp"
#include "probe_runner.hpp"

namespace conformance {

struct RunOptions {
  std::string probe;
  std::vector<std::string> launcher;
  std::string report;   // empty: no report
  int jobs = 0;         // 0: one thread per check
  double slowdown = 0;  // deadline factor; 0: 1 without a launcher, else 5
};

class Runner {
 public:
  explicit Runner(RunOptions options);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Starts the selected checks (indices into all_checks()): the exclusive
  // ones first, one at a time, then the rest on `jobs` threads. The
  // leaves-nothing check, which runs after all others, is always included.
  void start(const std::vector<std::size_t>& selected);
  // Blocks until the check is done; final_check is the leaves-nothing check.
  const CheckResult& result(std::size_t index);
  static constexpr std::size_t final_check = static_cast<std::size_t>(-1);

  // Waits for everything and writes the report if one was asked for;
  // throws std::system_error if it cannot be written.
  void finish();
  // What the run could not do as asked, for main to tell the user.
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  void drive(const std::vector<std::size_t>& selected);
  CheckResult run_one(std::size_t index);
  CheckResult leaves_nothing();
  nlohmann::json report() const;

  RunOptions options_;
  std::filesystem::path temp_root_;
  ProbeRunner runner_;
  Context context_;
  std::vector<std::size_t> selected_;
  std::vector<std::promise<CheckResult>> promises_;
  std::vector<std::shared_future<CheckResult>> futures_;
  std::promise<CheckResult> final_promise_;
  std::shared_future<CheckResult> final_future_;
  std::vector<CheckResult> done_;
  nlohmann::json probe_platform_;
  std::string started_utc_;
  double wall_seconds_ = 0;
  int jobs_used_ = 1;
  std::vector<std::string> notes_;
  std::thread driver_;
};

// "root" (euid 0 with every capability the kernel knows), "root-restricted"
// (euid 0 lacking some, listed in `missing`) or "unprivileged". `known` is
// every capability of this kernel (cap_last_cap), not the bounding set: a
// container that dropped CAP_SYS_RESOURCE from its bounding set is exactly
// the restricted root the report must show.
std::string privilege_level(uid_t euid, std::uint64_t effective,
                            std::uint64_t known,
                            std::vector<std::string>& missing);

// Writes `text` to `path` atomically: a temporary file in the same folder,
// fsync, rename. Throws std::system_error naming the step that failed.
void write_atomically(const std::filesystem::path& path,
                      const std::string& text);

}  // namespace conformance
