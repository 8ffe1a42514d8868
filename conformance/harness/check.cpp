#include "check.hpp"

namespace conformance {

std::string to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::skip:
      return "skip";
  }
  return "fail";
}

Outcome pass(std::string expected, std::string observed) {
  return {std::move(expected), std::move(observed), Verdict::pass, ""};
}

Outcome fail(std::string expected, std::string observed, std::string reason) {
  if (reason.empty()) reason = "observed differs from expected";
  return {std::move(expected), std::move(observed), Verdict::fail,
          std::move(reason)};
}

Outcome skip(std::string reason, std::string expected, std::string observed) {
  return {std::move(expected), std::move(observed), Verdict::skip,
          std::move(reason)};
}

Outcome judge(bool ok, std::string expected, std::string observed) {
  if (ok) return pass(std::move(expected), std::move(observed));
  return fail(std::move(expected), std::move(observed), "");
}

std::string errno_or_success(const nlohmann::json& value) {
  if (!value.is_string()) return "nothing";
  const auto text = value.get<std::string>();
  return text.empty() ? "success" : text;
}

std::string json_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

Outcome probe_failed(const ProbeResult& run, const std::string& expected) {
  return fail(expected, run.describe(), run.trouble());
}

std::string cap_name(rlkit::Capability cap) {
  return rlkit::Capabilities::name(static_cast<int>(cap));
}

uid_t Env::unused_uid() const {
  return context_.first_unused_uid + static_cast<uid_t>(index_);
}

Side Env::unprivileged() const {
  Side side;
  if (context_.euid != 0 && !context_.has(rlkit::Capability::sys_resource) &&
      !context_.has(rlkit::Capability::sys_admin) &&
      !context_.has(rlkit::Capability::ipc_lock) &&
      !context_.has(rlkit::Capability::sys_nice)) {
    side.possible = true;
    side.who = "as this user (uid " + std::to_string(context_.uid) + ")";
  } else if (context_.can_switch_user()) {
    side.possible = true;
    side.become = unused_uid();
    side.who = "as unused uid " + std::to_string(*side.become);
  } else {
    side.reason =
        "needs cap_setuid and cap_setgid to run as an unprivileged user";
  }
  return side;
}

Side Env::privileged(rlkit::Capability cap) const {
  Side side;
  if (context_.has(cap)) {
    side.possible = true;
    side.who = "with " + cap_name(cap);
  } else {
    side.reason = "needs " + cap_name(cap);
  }
  return side;
}

ProbeResult Env::probe(const ProbeRun& request) const {
  const std::string folder = id_ + "." + std::to_string(runs_++);
  auto result = context_.runner->run(request, folder);
  const bool timed_out = result.timed_out && !request.may_time_out;
  if (!result.ran() || timed_out || result.last().contains("setup_error")) {
    throw ProbeTrouble("probe " + request.action + ": " + result.trouble(),
                       result.describe());
  }
  return result;
}

ProbeResult Env::probe(const std::string& action,
                       std::vector<std::string> options, const Side* side,
                       std::chrono::milliseconds deadline) const {
  ProbeRun request;
  request.action = action;
  request.options = std::move(options);
  if (side != nullptr) request.become = side->become;
  request.deadline = deadline;
  return probe(request);
}

const std::vector<Check>& all_checks() {
  static const std::vector<Check> checks = [] {
    std::vector<Check> table;
    add_enforcement_checks(table);
    add_semantics_checks(table);
    add_usage_checks(table);
    return table;
  }();
  return checks;
}

}  // namespace conformance
