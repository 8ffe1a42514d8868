// Another process's limits read from /proc/PID/limits, which any user may
// read, for when prlimit(2) is refused (EPERM).
#pragma once

#include <sys/types.h>

#include <string_view>
#include <system_error>
#include <vector>

#include "rlkit/limits.hpp"
#include "rlkit/resource.hpp"

namespace rlkit {

struct ResourceLimits {
  Resource resource;
  Limits limits;

  friend bool operator==(const ResourceLimits& a,
                         const ResourceLimits& b) noexcept {
    return a.resource == b.resource && a.limits == b.limits;
  }
};

// Throws rlkit::no_such_process when the process does not exist and
// std::system_error when /proc cannot be read.
std::vector<ResourceLimits> read_proc_limits(pid_t pid);
std::vector<ResourceLimits> read_proc_limits(pid_t pid,
                                             std::error_code& ec) noexcept;

// Parses the file's text. Rows for resources this build does not know are
// skipped; a malformed row throws std::invalid_argument naming the line.
std::vector<ResourceLimits> parse_proc_limits(std::string_view text);

}  // namespace rlkit
