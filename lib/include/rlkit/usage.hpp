// getrusage(2) as a value type with all sixteen fields, exact CPU times and
// field metadata, and the difference of two samples.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <vector>

#include "rlkit/limits.hpp"  // detail::throw_call_error

namespace rlkit {

enum class Who : int {
  self = RUSAGE_SELF,
  children = RUSAGE_CHILDREN,
#ifdef RUSAGE_THREAD
  thread = RUSAGE_THREAD,
#endif
#ifdef RUSAGE_BOTH
  both = RUSAGE_BOTH,
#endif
};

std::string_view name(Who who) noexcept;
// Converts a raw RUSAGE_* number; std::invalid_argument for any other.
Who who_from_native(int value);
// Accepts "self", "children", "thread" (and "both" where defined) or the C
// names, in any case; std::invalid_argument lists the valid ones.
Who parse_who(std::string_view text);

struct Usage {
  // timeval holds whole microseconds, so these are exact.
  std::chrono::microseconds user_time{0};
  std::chrono::microseconds system_time{0};
  std::int64_t maxrss = 0;  // as the kernel reports it: see maxrss_bytes()
  std::int64_t ixrss = 0;
  std::int64_t idrss = 0;
  std::int64_t isrss = 0;
  std::int64_t minflt = 0;
  std::int64_t majflt = 0;
  std::int64_t nswap = 0;
  std::int64_t inblock = 0;
  std::int64_t oublock = 0;
  std::int64_t msgsnd = 0;
  std::int64_t msgrcv = 0;
  std::int64_t nsignals = 0;
  std::int64_t nvcsw = 0;
  std::int64_t nivcsw = 0;

  static Usage from_native(const struct rusage& raw) noexcept {
    Usage u;
    u.user_time = std::chrono::seconds(raw.ru_utime.tv_sec) +
                  std::chrono::microseconds(raw.ru_utime.tv_usec);
    u.system_time = std::chrono::seconds(raw.ru_stime.tv_sec) +
                    std::chrono::microseconds(raw.ru_stime.tv_usec);
    u.maxrss = raw.ru_maxrss;
    u.ixrss = raw.ru_ixrss;
    u.idrss = raw.ru_idrss;
    u.isrss = raw.ru_isrss;
    u.minflt = raw.ru_minflt;
    u.majflt = raw.ru_majflt;
    u.nswap = raw.ru_nswap;
    u.inblock = raw.ru_inblock;
    u.oublock = raw.ru_oublock;
    u.msgsnd = raw.ru_msgsnd;
    u.msgrcv = raw.ru_msgrcv;
    u.nsignals = raw.ru_nsignals;
    u.nvcsw = raw.ru_nvcsw;
    u.nivcsw = raw.ru_nivcsw;
    return u;
  }

  std::chrono::microseconds cpu_time() const noexcept {
    return user_time + system_time;
  }
  // ru_maxrss is KiB on Linux and the BSDs but bytes on macOS.
  std::int64_t maxrss_bytes() const noexcept;

  friend bool operator==(const Usage& a, const Usage& b) noexcept;
  friend bool operator!=(const Usage& a, const Usage& b) noexcept {
    return !(a == b);
  }
};

// What each field is, so code can iterate over all of them.
struct UsageField {
  std::string_view name;         // "minflt"
  std::string_view c_name;       // "ru_minflt"
  std::string_view description;  // "page faults served without I/O"
  std::string_view unit;         // "microseconds", "kibibytes", "count", ...
  // True where Linux fills the field; the others are always zero there.
  bool filled_on_linux;
  std::int64_t (*get)(const Usage&) noexcept;  // times in microseconds
};

const std::vector<UsageField>& usage_fields() noexcept;

// after - before for every counter and time. maxrss is a high-water mark,
// not a counter, so the difference keeps the later sample's value.
Usage difference(const Usage& before, const Usage& after) noexcept;

// Inline, like the limit calls, so that they cost what the raw call costs.
inline Usage getrusage(Who who) {
  struct rusage raw {};
  if (::getrusage(static_cast<int>(who), &raw) != 0) {
    detail::throw_call_error(detail::Call::getrusage, errno,
                             static_cast<int>(who));
  }
  return Usage::from_native(raw);
}

inline Usage getrusage(Who who, std::error_code& ec) noexcept {
  struct rusage raw {};
  if (::getrusage(static_cast<int>(who), &raw) != 0) {
    detail::set_errno(ec, errno);
    return {};
  }
  ec.clear();
  return Usage::from_native(raw);
}

}  // namespace rlkit
