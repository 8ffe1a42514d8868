// Probe actions about what setrlimit and prlimit accept and refuse, and how
// limits pass to children. Each tries both of rlkit's forms: the
// std::error_code one for the errno, the throwing one for the exception type.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <functional>
#include <string>

#include "probe.hpp"
#include "rlkit/child.hpp"
#include "rlkit/error.hpp"
#include "rlkit/json.hpp"
#include "rlkit/limits.hpp"

namespace probe {
namespace {

using rlkit::Limits;
using rlkit::Resource;

// "limit_error EINVAL", "no_such_process ESRCH", "" when nothing was thrown.
std::string thrown_by(const std::function<void()>& call) {
  try {
    call();
  } catch (const rlkit::limit_error& e) {
    return "limit_error " + errno_text(e.code().value());
  } catch (const rlkit::no_such_process& e) {
    return "no_such_process " + errno_text(e.code().value());
  } catch (const rlkit::permission_denied& e) {
    return "permission_denied " + errno_text(e.code().value());
  } catch (const std::system_error& e) {
    return "system_error " + errno_text(e.code().value());
  } catch (const std::exception& e) {
    return std::string("exception ") + e.what();
  }
  return "";
}

std::string set_errno(Resource resource, const Limits& limits) {
  std::error_code ec;
  rlkit::setrlimit(resource, limits, ec);
  return ec ? errno_text(ec.value()) : "";
}

Json soft_above_hard(const Request&) {
  const Limits before = rlkit::getrlimit(Resource::nofile);
  const std::uint64_t hard = std::min<std::uint64_t>(before.hard, 64);
  const Limits wanted{hard + 1, hard};
  return {{"errno", set_errno(Resource::nofile, wanted)},
          {"thrown",
           thrown_by([&] { rlkit::setrlimit(Resource::nofile, wanted); })},
          {"unchanged", rlkit::getrlimit(Resource::nofile) == before}};
}

// Lowers the hard NOFILE limit, then tries to raise it back.
Json raise_hard(const Request&) {
  const Limits original = rlkit::getrlimit(Resource::nofile);
  const std::uint64_t low = std::min<std::uint64_t>(original.hard / 2, 256);
  const Limits lowered{low, low};
  const Limits raised{low, low * 2};
  Json result = {
      {"original", original},
      {"lower_errno", set_errno(Resource::nofile, lowered)},
      {"after_lower", rlkit::getrlimit(Resource::nofile)},
      {"soft_down_errno", set_errno(Resource::nofile, {low / 2, low})},
      {"soft_up_errno", set_errno(Resource::nofile, {low, low})}};
  result["raise_errno"] = set_errno(Resource::nofile, raised);
  result["after_raise"] = rlkit::getrlimit(Resource::nofile);
  if (rlkit::getrlimit(Resource::nofile) != raised) {
    result["thrown"] =
        thrown_by([&] { rlkit::setrlimit(Resource::nofile, raised); });
  }
  return result;
}

Json nofile_above_nr_open(const Request&) {
  std::uint64_t nr_open = 0;
  std::ifstream("/proc/sys/fs/nr_open") >> nr_open;
  if (nr_open == 0) return {{"error", "cannot read /proc/sys/fs/nr_open"}};
  const Limits before = rlkit::getrlimit(Resource::nofile);
  return {
      {"nr_open", nr_open},
      {"above_errno", set_errno(Resource::nofile, {nr_open + 1, nr_open + 1})},
      {"at_errno", set_errno(Resource::nofile, {before.soft, nr_open})},
      {"before", before},
      {"after", rlkit::getrlimit(Resource::nofile)}};
}

Json infinity(const Request&) {
  for (Resource resource : {Resource::cpu, Resource::fsize, Resource::as,
                            Resource::data, Resource::core}) {
    if (rlkit::getrlimit(resource).hard != rlkit::infinity) continue;
    const std::string finite = set_errno(resource, {1000, rlkit::infinity});
    const Limits middle = rlkit::getrlimit(resource);
    const std::string back =
        set_errno(resource, {rlkit::infinity, rlkit::infinity});
    const Limits after = rlkit::getrlimit(resource);
    return {{"resource", resource},
            {"finite_errno", finite},
            {"finite", middle},
            {"infinite_errno", back},
            {"after", after},
            {"soft_is_rlim_infinity", after.soft == RLIM_INFINITY},
            {"prlimit_agrees", rlkit::prlimit(0, resource) == after},
            {"json", Json(after)}};
  }
  return {{"error", "no resource has an unlimited hard limit here"}};
}

// Reports the limits a forked child sees, and those the probe run again by
// exec sees.
Json inherit(const Request& request) {
  Json result;
  int channel[2];
  if (::pipe2(channel, O_CLOEXEC) != 0) return {{"error", errno_text(errno)}};
  pid_t pid = ::fork();
  if (pid == 0) {
    Json seen = {{"nofile", rlkit::getrlimit(Resource::nofile)},
                 {"fsize", rlkit::getrlimit(Resource::fsize)}};
    const std::string text = seen.dump();
    (void)!::write(channel[1], text.data(), text.size());
    ::_exit(0);
  }
  ::close(channel[1]);
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(channel[0], buffer, sizeof buffer)) > 0)
    text.append(buffer, n);
  ::close(channel[0]);
  rlkit::wait_child(pid);
  result["fork"] = Json::parse(text);

  if (::pipe2(channel, O_CLOEXEC) != 0) return {{"error", errno_text(errno)}};
  pid = ::fork();
  if (pid == 0) {
    ::dup2(channel[1], STDOUT_FILENO);
    std::string self = request.self;
    std::string action = "limits";
    char* argv[] = {self.data(), action.data(), nullptr};
    ::execv(self.c_str(), argv);
    ::_exit(127);
  }
  ::close(channel[1]);
  text.clear();
  while ((n = ::read(channel[0], buffer, sizeof buffer)) > 0)
    text.append(buffer, n);
  ::close(channel[0]);
  const auto status = rlkit::wait_child(pid);
  result["exec_status"] = status.describe();
  const Json reported = text.empty() ? Json() : Json::parse(text);
  if (reported.contains("limits")) {
    result["exec"] = {{"nofile", reported["limits"]["nofile"]},
                      {"fsize", reported["limits"]["fsize"]}};
  }
  result["self"] = {{"nofile", rlkit::getrlimit(Resource::nofile)},
                    {"fsize", rlkit::getrlimit(Resource::fsize)}};
  return result;
}

std::string prlimit_errno(pid_t pid) {
  std::error_code ec;
  rlkit::prlimit(pid, Resource::nofile, ec);
  return ec ? errno_text(ec.value()) : "";
}

Json prlimit_child(const Request&) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (;;) ::pause();
  }
  const Limits read = rlkit::prlimit(pid, Resource::nofile);
  const Limits wanted{std::min<std::uint64_t>(read.soft, 100), read.hard};
  const Limits old = rlkit::prlimit(pid, Resource::nofile, wanted);
  const Limits back = rlkit::prlimit(pid, Resource::nofile);
  ::kill(pid, SIGKILL);
  rlkit::wait_child(pid);
  return {{"read", read},
          {"wanted", wanted},
          {"old", old},
          {"back", back},
          {"self", rlkit::getrlimit(Resource::nofile)},
          {"pid0_agrees", rlkit::prlimit(0, Resource::nofile) ==
                              rlkit::getrlimit(Resource::nofile)},
          {"reaped_errno", prlimit_errno(pid)},
          {"negative_errno", prlimit_errno(-1)},
          {"negative_thrown",
           thrown_by([] { rlkit::prlimit(-1, Resource::nofile); })},
          {"unknown_errno", prlimit_errno(0x7ffffff0)},
          {"unknown_thrown",
           thrown_by([] { rlkit::prlimit(0x7ffffff0, Resource::nofile); })}};
}

Json prlimit_other(const Request& request) {
  const auto pid = static_cast<pid_t>(request.number("pid", 1));
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  long target_uid = -1;
  while (std::getline(status, line)) {
    if (line.rfind("Uid:", 0) == 0) target_uid = std::stol(line.substr(4));
  }
  return {
      {"pid", pid},
      {"uid", ::getuid()},
      {"target_uid", target_uid},
      {"errno", prlimit_errno(pid)},
      {"thrown", thrown_by([&] { rlkit::prlimit(pid, Resource::nofile); })}};
}

}  // namespace

const std::vector<NamedAction>& semantics_actions() {
  static const std::vector<NamedAction> table = {
      {"soft-above-hard", soft_above_hard},
      {"raise-hard", raise_hard},
      {"nofile-above-nr-open", nofile_above_nr_open},
      {"infinity", infinity},
      {"inherit", inherit},
      {"prlimit-child", prlimit_child},
      {"prlimit-other", prlimit_other}};
  return table;
}

}  // namespace probe
