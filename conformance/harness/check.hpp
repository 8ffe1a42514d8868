// A conformance check: declarative facts (id, resource, what it verifies)
// and a function that runs probes and returns an outcome.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "probe_runner.hpp"
#include "rlkit/platform.hpp"

namespace conformance {

enum class Verdict { pass, fail, skip };
std::string to_string(Verdict verdict);

struct Outcome {
  std::string expected;
  std::string observed;
  Verdict verdict = Verdict::fail;
  std::string reason;  // empty for a pass
};

Outcome pass(std::string expected, std::string observed);
Outcome fail(std::string expected, std::string observed, std::string reason);
Outcome skip(std::string reason, std::string expected = "",
             std::string observed = "");
// Pass when `ok`; otherwise fail with "observed differs from expected".
Outcome judge(bool ok, std::string expected, std::string observed);

// Thrown by Env::probe when a probe timed out, could not start, or could
// not set itself up: the check fails with this reason, whatever it expected.
class ProbeTrouble : public std::runtime_error {
 public:
  ProbeTrouble(const std::string& reason, std::string observed)
      : std::runtime_error(reason), observed_(std::move(observed)) {}
  const std::string& observed() const { return observed_; }

 private:
  std::string observed_;
};

// What every check may use: the probe runner and the privileges of this run.
struct Context {
  const ProbeRunner* runner = nullptr;
  rlkit::Capabilities capabilities;  // the harness's effective set
  uid_t euid = 0;
  uid_t uid = 0;
  uid_t first_unused_uid = 0;  // plus the check's index: one uid per check
  std::string core_pattern;

  bool has(rlkit::Capability cap) const { return capabilities.has(cap); }
  bool can_switch_user() const {
    return has(rlkit::Capability::setuid) && has(rlkit::Capability::setgid);
  }
};

// How to run the side of a check that must lack some capabilities, or the
// side that must hold one.
struct Side {
  bool possible = false;
  std::optional<uid_t> become;
  std::string reason;  // why it is not possible
  std::string who;     // "as uid 2000000007", "as this user"
};

class Env {
 public:
  Env(const Context& context, std::size_t index, std::string id)
      : context_(context), index_(index), id_(std::move(id)) {}

  const Context& context() const { return context_; }
  // An ordinary user: as this user when the run is unprivileged, otherwise
  // as the check's own unused uid (needs CAP_SETUID and CAP_SETGID).
  Side unprivileged() const;
  // This run's own user, which must hold `cap`.
  Side privileged(rlkit::Capability cap) const;
  uid_t unused_uid() const;

  ProbeResult probe(const ProbeRun& request) const;
  ProbeResult probe(
      const std::string& action, std::vector<std::string> options,
      const Side* side = nullptr,
      std::chrono::milliseconds deadline = std::chrono::seconds(5)) const;

 private:
  const Context& context_;
  std::size_t index_;
  std::string id_;
  mutable int runs_ = 0;
};

struct Check {
  std::string id;                       // "nofile.emfile"
  std::optional<std::string> resource;  // "nofile", or none
  std::string verifies;                 // the rule, in one sentence
  // Measures process-wide state of the harness (RUSAGE_CHILDREN) or needs no
  // other probe of the same user alive: runs before the parallel phase.
  bool exclusive = false;
  // Burns seconds of CPU: started first so the run ends sooner.
  bool heavy = false;
  std::function<Outcome(const Env&)> run;
};

struct CheckResult {
  std::string id;
  std::optional<std::string> resource;
  std::string verifies;
  Outcome outcome;
  double duration_seconds = 0;
};

// The table, in the order of the report.
const std::vector<Check>& all_checks();
void add_enforcement_checks(std::vector<Check>& checks);
void add_semantics_checks(std::vector<Check>& checks);
void add_usage_checks(std::vector<Check>& checks);

// An errno name from the probe, or "success" for "".
std::string errno_or_success(const nlohmann::json& value);
// A string as it is, anything else as JSON text.
std::string json_text(const nlohmann::json& value);
// A probe that ended in trouble (ProbeResult::trouble()): fail with it.
Outcome probe_failed(const ProbeResult& run, const std::string& expected);
std::string cap_name(rlkit::Capability cap);

}  // namespace conformance
