// getrlimit, setrlimit and prlimit, each in a throwing form and in a
// noexcept form that reports through std::error_code (as std::filesystem
// does). Throwing forms raise the types documented in rlkit/error.hpp.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
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

namespace detail {

enum class Call {
  getrlimit,
  setrlimit,
  prlimit_get,
  prlimit_set,
  getrusage,
  other,  // wait4, /proc: no argument to name
};

// The cold path of every call: throws what rlkit/error.hpp documents for
// `error`, with a message naming the call and its arguments.
[[noreturn]] void throw_call_error(Call call, int error, int argument,
                                   pid_t pid = 0);

// rlim_t is narrower than 64 bits on 32-bit builds without 64-bit file
// offsets; a value that does not fit must fail rather than wrap.
inline bool to_native(const Limits& limits, struct rlimit& raw) noexcept {
  // A value fits when it survives the trip through rlim_t unchanged.
  const auto fits = [](std::uint64_t value) {
    return value == infinity ||
           value == static_cast<std::uint64_t>(static_cast<rlim_t>(value));
  };
  if (!fits(limits.soft) || !fits(limits.hard)) return false;
  raw.rlim_cur = limits.soft == infinity ? RLIM_INFINITY
                                         : static_cast<rlim_t>(limits.soft);
  raw.rlim_max = limits.hard == infinity ? RLIM_INFINITY
                                         : static_cast<rlim_t>(limits.hard);
  return true;
}

inline Limits from_native(const struct rlimit& raw) noexcept {
  return {static_cast<std::uint64_t>(raw.rlim_cur),
          static_cast<std::uint64_t>(raw.rlim_max)};
}

inline void set_errno(std::error_code& ec, int error) noexcept {
  ec.assign(error, std::generic_category());
}

}  // namespace detail

// The calls are inline so that they cost what the raw call costs (measured
// in bench/); only the error path is out of line.

inline Limits getrlimit(Resource resource) {
  struct rlimit raw {};
  if (::getrlimit(static_cast<int>(resource), &raw) != 0) {
    detail::throw_call_error(detail::Call::getrlimit, errno,
                             static_cast<int>(resource));
  }
  return detail::from_native(raw);
}

inline Limits getrlimit(Resource resource, std::error_code& ec) noexcept {
  struct rlimit raw {};
  if (::getrlimit(static_cast<int>(resource), &raw) != 0) {
    detail::set_errno(ec, errno);
    return {};
  }
  ec.clear();
  return detail::from_native(raw);
}

// Throws rlkit::limit_error when soft exceeds hard (EINVAL) or the hard
// limit would rise without CAP_SYS_RESOURCE (EPERM), std::overflow_error for
// a value this platform's rlim_t cannot hold (the error_code form reports
// std::errc::value_too_large).
inline void setrlimit(Resource resource, const Limits& limits) {
  struct rlimit raw {};
  if (!detail::to_native(limits, raw)) {
    detail::throw_call_error(detail::Call::setrlimit, EOVERFLOW,
                             static_cast<int>(resource));
  }
  if (::setrlimit(static_cast<int>(resource), &raw) != 0) {
    detail::throw_call_error(detail::Call::setrlimit, errno,
                             static_cast<int>(resource));
  }
}

inline void setrlimit(Resource resource, const Limits& limits,
                      std::error_code& ec) noexcept {
  struct rlimit raw {};
  if (!detail::to_native(limits, raw)) {
    detail::set_errno(ec, EOVERFLOW);
  } else if (::setrlimit(static_cast<int>(resource), &raw) != 0) {
    detail::set_errno(ec, errno);
  } else {
    ec.clear();
  }
}

#ifdef __linux__
#define RLKIT_HAS_PRLIMIT 1
// Reads the limits of process `pid` (0: the caller). Throws
// rlkit::no_such_process for an unknown pid (negative ones too) and
// rlkit::permission_denied for another user's process.
inline Limits prlimit(pid_t pid, Resource resource) {
  struct rlimit old {};
  if (::prlimit(pid, static_cast<__rlimit_resource>(resource), nullptr, &old) !=
      0) {
    detail::throw_call_error(detail::Call::prlimit_get, errno,
                             static_cast<int>(resource), pid);
  }
  return detail::from_native(old);
}

inline Limits prlimit(pid_t pid, Resource resource,
                      std::error_code& ec) noexcept {
  struct rlimit old {};
  if (::prlimit(pid, static_cast<__rlimit_resource>(resource), nullptr, &old) !=
      0) {
    detail::set_errno(ec, errno);
    return {};
  }
  ec.clear();
  return detail::from_native(old);
}

// Sets them and returns the limits in force before, atomically.
inline Limits prlimit(pid_t pid, Resource resource, const Limits& new_limits) {
  struct rlimit raw {};
  struct rlimit old {};
  if (!detail::to_native(new_limits, raw)) {
    detail::throw_call_error(detail::Call::prlimit_set, EOVERFLOW,
                             static_cast<int>(resource), pid);
  }
  if (::prlimit(pid, static_cast<__rlimit_resource>(resource), &raw, &old) !=
      0) {
    detail::throw_call_error(detail::Call::prlimit_set, errno,
                             static_cast<int>(resource), pid);
  }
  return detail::from_native(old);
}

inline Limits prlimit(pid_t pid, Resource resource, const Limits& new_limits,
                      std::error_code& ec) noexcept {
  struct rlimit raw {};
  struct rlimit old {};
  if (!detail::to_native(new_limits, raw)) {
    detail::set_errno(ec, EOVERFLOW);
    return {};
  }
  if (::prlimit(pid, static_cast<__rlimit_resource>(resource), &raw, &old) !=
      0) {
    detail::set_errno(ec, errno);
    return {};
  }
  ec.clear();
  return detail::from_native(old);
}
#endif

// Raises the soft NOFILE limit as far as the hard limit allows (on macOS,
// also no further than OPEN_MAX, which the kernel requires) and returns the
// limits now in force.
Limits raise_nofile_limit();
Limits raise_nofile_limit(std::error_code& ec) noexcept;

inline std::size_t getpagesize() noexcept {
  return static_cast<std::size_t>(::getpagesize());
}

// "unlimited" for infinity, else the decimal number.
std::string format_limit(std::uint64_t value);
// Accepts a decimal number, "unlimited" or "infinity". Throws
// std::invalid_argument for anything else and std::overflow_error for a
// number the platform's rlim_t cannot hold.
std::uint64_t parse_limit(std::string_view text);

}  // namespace rlkit
