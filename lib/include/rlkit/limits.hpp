// getrlimit, setrlimit and prlimit, each in a throwing form and in a
// noexcept form that reports through std::error_code (as std::filesystem
// does). Throwing forms raise the types documented in rlkit/error.hpp.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "rlkit/resource.hpp"

namespace rlkit {

// The platform's own RLIM_INFINITY, widened. It is not always 2^64-1: a
// 32-bit build without 64-bit file offsets has 2^32-1, and reports should
// show that rather than hide it.
inline constexpr std::uint64_t infinity =
    static_cast<std::uint64_t>(RLIM_INFINITY);

struct Limits {
  std::uint64_t soft = infinity;
  std::uint64_t hard = infinity;

  friend bool operator==(const Limits& a, const Limits& b) noexcept {
    return a.soft == b.soft && a.hard == b.hard;
  }
  friend bool operator!=(const Limits& a, const Limits& b) noexcept {
    return !(a == b);
  }
};

Limits getrlimit(Resource resource);
Limits getrlimit(Resource resource, std::error_code& ec) noexcept;

// Throws rlkit::limit_error when soft exceeds hard (EINVAL) or the hard
// limit would rise without CAP_SYS_RESOURCE (EPERM), std::overflow_error for
// a value this platform's rlim_t cannot hold (the error_code form reports
// std::errc::value_too_large).
void setrlimit(Resource resource, const Limits& limits);
void setrlimit(Resource resource, const Limits& limits,
               std::error_code& ec) noexcept;

#ifdef __linux__
#define RLKIT_HAS_PRLIMIT 1
// Reads the limits of process `pid` (0: the caller). Throws
// rlkit::no_such_process for an unknown pid (negative ones too) and
// rlkit::permission_denied for another user's process.
Limits prlimit(pid_t pid, Resource resource);
Limits prlimit(pid_t pid, Resource resource, std::error_code& ec) noexcept;
// Sets them and returns the limits in force before, atomically.
Limits prlimit(pid_t pid, Resource resource, const Limits& new_limits);
Limits prlimit(pid_t pid, Resource resource, const Limits& new_limits,
               std::error_code& ec) noexcept;
#endif

// Raises the soft NOFILE limit as far as the hard limit allows (on macOS,
// also no further than OPEN_MAX, which the kernel requires) and returns the
// limits now in force.
Limits raise_nofile_limit();
Limits raise_nofile_limit(std::error_code& ec) noexcept;

std::size_t getpagesize() noexcept;

// "unlimited" for infinity, else the decimal number.
std::string format_limit(std::uint64_t value);
// Accepts a decimal number, "unlimited" or "infinity". Throws
// std::invalid_argument for anything else and std::overflow_error for a
// number the platform's rlim_t cannot hold.
std::uint64_t parse_limit(std::string_view text);

}  // namespace rlkit
