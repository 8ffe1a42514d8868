#include "rlkit/usage.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>

namespace rlkit {
namespace {

struct WhoName {
  Who who;
  std::string_view name;
  std::string_view c_name;
};

constexpr WhoName who_names[] = {
    {Who::self, "self", "RUSAGE_SELF"},
    {Who::children, "children", "RUSAGE_CHILDREN"},
#ifdef RUSAGE_THREAD
    {Who::thread, "thread", "RUSAGE_THREAD"},
#endif
#ifdef RUSAGE_BOTH
    {Who::both, "both", "RUSAGE_BOTH"},
#endif
};

std::string valid_who_names() {
  std::string names;
  for (const auto& row : who_names) {
    if (!names.empty()) names += ", ";
    names += row.name;
  }
  return names;
}

#ifdef __linux__
constexpr bool on_linux = true;
#else
constexpr bool on_linux = false;
#endif

#ifdef __APPLE__
constexpr std::string_view maxrss_unit = "bytes";
#else
constexpr std::string_view maxrss_unit = "kibibytes";
#endif

}  // namespace

std::string_view name(Who who) noexcept {
  for (const auto& row : who_names) {
    if (row.who == who) return row.name;
  }
  return "unknown";
}

Who who_from_native(int value) {
  for (const auto& row : who_names) {
    if (static_cast<int>(row.who) == value) return row.who;
  }
  throw std::invalid_argument("invalid who " + std::to_string(value) +
                              ": expected one of " + valid_who_names());
}

Who parse_who(std::string_view text) {
  const auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const auto& row : who_names) {
    if (same(text, row.name) || same(text, row.c_name)) return row.who;
  }
  throw std::invalid_argument("invalid who '" + std::string(text) +
                              "': expected one of " + valid_who_names());
}

std::int64_t Usage::maxrss_bytes() const noexcept {
#ifdef __APPLE__
  return maxrss;
#else
  return maxrss * 1024;
#endif
}

bool operator==(const Usage& a, const Usage& b) noexcept {
  const auto& fields = usage_fields();
  return std::all_of(fields.begin(), fields.end(), [&](const auto& field) {
    return field.get(a) == field.get(b);
  });
}

const std::vector<UsageField>& usage_fields() noexcept {
  // Captureless lambdas convert to the plain function pointers the table
  // holds, which keeps UsageField a literal, copyable value.
  static const std::vector<UsageField> fields = {
      {"utime", "ru_utime", "user CPU time", "microseconds", true,
       [](const Usage& u) noexcept {
         return static_cast<std::int64_t>(u.user_time.count());
       }},
      {"stime", "ru_stime", "system CPU time", "microseconds", true,
       [](const Usage& u) noexcept {
         return static_cast<std::int64_t>(u.system_time.count());
       }},
      {"maxrss", "ru_maxrss", "peak resident set size", maxrss_unit, true,
       [](const Usage& u) noexcept { return u.maxrss; }},
      {"ixrss", "ru_ixrss", "integral shared text size", "kibibyte-ticks",
       !on_linux, [](const Usage& u) noexcept { return u.ixrss; }},
      {"idrss", "ru_idrss", "integral unshared data size", "kibibyte-ticks",
       !on_linux, [](const Usage& u) noexcept { return u.idrss; }},
      {"isrss", "ru_isrss", "integral unshared stack size", "kibibyte-ticks",
       !on_linux, [](const Usage& u) noexcept { return u.isrss; }},
      {"minflt", "ru_minflt", "page faults served without I/O", "count", true,
       [](const Usage& u) noexcept { return u.minflt; }},
      {"majflt", "ru_majflt", "page faults that needed I/O", "count", true,
       [](const Usage& u) noexcept { return u.majflt; }},
      {"nswap", "ru_nswap", "times swapped out", "count", !on_linux,
       [](const Usage& u) noexcept { return u.nswap; }},
      {"inblock", "ru_inblock", "block input operations", "blocks", true,
       [](const Usage& u) noexcept { return u.inblock; }},
      {"oublock", "ru_oublock", "block output operations", "blocks", true,
       [](const Usage& u) noexcept { return u.oublock; }},
      {"msgsnd", "ru_msgsnd", "IPC messages sent", "count", !on_linux,
       [](const Usage& u) noexcept { return u.msgsnd; }},
      {"msgrcv", "ru_msgrcv", "IPC messages received", "count", !on_linux,
       [](const Usage& u) noexcept { return u.msgrcv; }},
      {"nsignals", "ru_nsignals", "signals received", "count", !on_linux,
       [](const Usage& u) noexcept { return u.nsignals; }},
      {"nvcsw", "ru_nvcsw", "voluntary context switches", "count", true,
       [](const Usage& u) noexcept { return u.nvcsw; }},
      {"nivcsw", "ru_nivcsw", "involuntary context switches", "count", true,
       [](const Usage& u) noexcept { return u.nivcsw; }},
  };
  return fields;
}

Usage difference(const Usage& before, const Usage& after) noexcept {
  Usage d;
  d.user_time = after.user_time - before.user_time;
  d.system_time = after.system_time - before.system_time;
  d.maxrss = after.maxrss;
  d.ixrss = after.ixrss - before.ixrss;
  d.idrss = after.idrss - before.idrss;
  d.isrss = after.isrss - before.isrss;
  d.minflt = after.minflt - before.minflt;
  d.majflt = after.majflt - before.majflt;
  d.nswap = after.nswap - before.nswap;
  d.inblock = after.inblock - before.inblock;
  d.oublock = after.oublock - before.oublock;
  d.msgsnd = after.msgsnd - before.msgsnd;
  d.msgrcv = after.msgrcv - before.msgrcv;
  d.nsignals = after.nsignals - before.nsignals;
  d.nvcsw = after.nvcsw - before.nvcsw;
  d.nivcsw = after.nivcsw - before.nivcsw;
  return d;
}

}  // namespace rlkit
