#include "rlkit/proc_limits.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <stdexcept>
#include <string>

#include "error_internal.hpp"

namespace rlkit {
namespace {

struct Row {
  std::string_view label;
  int resource;  // a raw number: not every label exists on every platform
};

// The labels fs/proc/base.c prints, in the kernel's order.
constexpr Row rows[] = {
    {"Max cpu time", RLIMIT_CPU},
    {"Max file size", RLIMIT_FSIZE},
    {"Max data size", RLIMIT_DATA},
    {"Max stack size", RLIMIT_STACK},
    {"Max core file size", RLIMIT_CORE},
#if defined(RLIMIT_RSS) && !defined(__APPLE__)
    {"Max resident set", RLIMIT_RSS},
#endif
#ifdef RLIMIT_NPROC
    {"Max processes", RLIMIT_NPROC},
#endif
    {"Max open files", RLIMIT_NOFILE},
#ifdef RLIMIT_MEMLOCK
    {"Max locked memory", RLIMIT_MEMLOCK},
#endif
    {"Max address space", RLIMIT_AS},
#ifdef RLIMIT_LOCKS
    {"Max file locks", RLIMIT_LOCKS},
#endif
#ifdef RLIMIT_SIGPENDING
    {"Max pending signals", RLIMIT_SIGPENDING},
#endif
#ifdef RLIMIT_MSGQUEUE
    {"Max msgqueue size", RLIMIT_MSGQUEUE},
#endif
#ifdef RLIMIT_NICE
    {"Max nice priority", RLIMIT_NICE},
#endif
#ifdef RLIMIT_RTPRIO
    {"Max realtime priority", RLIMIT_RTPRIO},
#endif
#ifdef RLIMIT_RTTIME
    {"Max realtime timeout", RLIMIT_RTTIME},
#endif
};

bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view next_token(std::string_view& rest) noexcept {
  std::size_t start = 0;
  while (start < rest.size() && is_space(rest[start])) ++start;
  std::size_t end = start;
  while (end < rest.size() && !is_space(rest[end])) ++end;
  const std::string_view token = rest.substr(start, end - start);
  rest.remove_prefix(end);
  return token;
}

std::uint64_t parse_value(std::string_view token, std::string_view line) {
  if (token == "unlimited") return infinity;
  std::uint64_t value = 0;
  const auto [ptr, error] =
      std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc{} || ptr != token.data() + token.size() ||
      token.empty()) {
    throw std::invalid_argument("malformed /proc limits line '" +
                                std::string(line) +
                                "': expected a number or 'unlimited'");
  }
  return value;
}

}  // namespace

std::vector<ResourceLimits> parse_proc_limits(std::string_view text) {
  std::vector<ResourceLimits> result;
  bool header = true;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size()
                                                         : newline + 1);
    if (header) {
      if (line.substr(0, 5) != "Limit") {
        throw std::invalid_argument(
            "malformed /proc limits: expected a header line starting with "
            "'Limit', got '" +
            std::string(line) + "'");
      }
      header = false;
      continue;
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const Row* match = nullptr;
    for (const Row& row : rows) {
      if (line.substr(0, row.label.size()) == row.label &&
          line.size() > row.label.size() && is_space(line[row.label.size()])) {
        match = &row;
        break;
      }
    }
    if (match == nullptr) continue;  // a resource this build does not know
    std::string_view rest = line.substr(match->label.size());
    const std::uint64_t soft = parse_value(next_token(rest), line);
    const std::uint64_t hard = parse_value(next_token(rest), line);
    result.push_back({static_cast<Resource>(match->resource), {soft, hard}});
  }
  if (header) {
    throw std::invalid_argument("malformed /proc limits: the text is empty");
  }
  return result;
}

std::vector<ResourceLimits> read_proc_limits(pid_t pid,
                                             std::error_code& ec) noexcept {
  const std::string path = pid == 0
                               ? "/proc/self/limits"
                               : "/proc/" + std::to_string(pid) + "/limits";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // A missing directory is a missing process, as prlimit would say.
    ec = errno == ENOENT ? std::make_error_code(std::errc::no_such_process)
                         : detail::errno_code();
    return {};
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;  // nothing was read: try again
    if (n < 0) {
      ec = errno == ESRCH ? std::make_error_code(std::errc::no_such_process)
                          : detail::errno_code();
      ::close(fd);
      return {};
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  try {
    ec.clear();
    return parse_proc_limits(text);
  } catch (const std::invalid_argument&) {
    ec = std::make_error_code(std::errc::bad_message);
    return {};
  }
}

std::vector<ResourceLimits> read_proc_limits(pid_t pid) {
  std::error_code ec;
  auto limits = read_proc_limits(pid, ec);
  if (ec) {
    detail::throw_error(detail::Call::other, ec,
                        "reading /proc/" + std::to_string(pid) + "/limits");
  }
  return limits;
}

}  // namespace rlkit
