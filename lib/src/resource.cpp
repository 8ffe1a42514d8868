#include "rlkit/resource.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>

namespace rlkit {
namespace {

std::vector<ResourceInfo> make_table() {
  std::vector<ResourceInfo> table = {
    {Resource::cpu, "RLIMIT_CPU", "cpu", "CPU time", Unit::seconds},
    {Resource::fsize, "RLIMIT_FSIZE", "fsize", "size of a file written",
     Unit::bytes},
    {Resource::data, "RLIMIT_DATA", "data", "data segment and heap size",
     Unit::bytes},
    {Resource::stack, "RLIMIT_STACK", "stack", "main thread's stack size",
     Unit::bytes},
    {Resource::core, "RLIMIT_CORE", "core", "core dump file size", Unit::bytes},
#if defined(RLIMIT_RSS) && !defined(__APPLE__)
    {Resource::rss, "RLIMIT_RSS", "rss", "resident set size", Unit::bytes},
#endif
#ifdef RLIMIT_NPROC
    {Resource::nproc, "RLIMIT_NPROC", "nproc",
     "processes and threads of the real user", Unit::count},
#endif
    {Resource::nofile, "RLIMIT_NOFILE", "nofile", "open file descriptors",
     Unit::count},
#ifdef RLIMIT_MEMLOCK
    {Resource::memlock, "RLIMIT_MEMLOCK", "memlock", "memory locked into RAM",
     Unit::bytes},
#endif
    {Resource::as, "RLIMIT_AS", "as", "virtual address space", Unit::bytes},
#ifdef RLIMIT_LOCKS
    {Resource::locks, "RLIMIT_LOCKS", "locks",
     "file locks and leases (ignored by Linux)", Unit::count},
#endif
#ifdef RLIMIT_SIGPENDING
    {Resource::sigpending, "RLIMIT_SIGPENDING", "sigpending",
     "queued signals of the real user", Unit::count},
#endif
#ifdef RLIMIT_MSGQUEUE
    {Resource::msgqueue, "RLIMIT_MSGQUEUE", "msgqueue",
     "POSIX message queue bytes of the real user", Unit::bytes},
#endif
#ifdef RLIMIT_NICE
    {Resource::nice, "RLIMIT_NICE", "nice", "ceiling on the nice value",
     Unit::nice_ceiling},
#endif
#ifdef RLIMIT_RTPRIO
    {Resource::rtprio, "RLIMIT_RTPRIO", "rtprio",
     "ceiling on the real-time priority", Unit::priority},
#endif
#ifdef RLIMIT_RTTIME
    {Resource::rttime, "RLIMIT_RTTIME", "rttime",
     "real-time CPU time without a blocking call", Unit::microseconds},
#endif
#ifdef RLIMIT_SBSIZE
    {Resource::sbsize, "RLIMIT_SBSIZE", "sbsize", "socket buffer size",
     Unit::bytes},
#endif
#ifdef RLIMIT_SWAP
    {Resource::swap, "RLIMIT_SWAP", "swap", "swap space of the user",
     Unit::bytes},
#endif
#ifdef RLIMIT_NPTS
    {Resource::npts, "RLIMIT_NPTS", "npts", "pseudo-terminals of the user",
     Unit::count},
#endif
#ifdef RLIMIT_KQUEUES
    {Resource::kqueues, "RLIMIT_KQUEUES", "kqueues", "kqueues of the user",
     Unit::count},
#endif
#ifdef RLIMIT_UMTXP
    {Resource::umtxp, "RLIMIT_UMTXP", "umtxp",
     "process-shared locks of the user", Unit::count},
#endif
#ifdef RLIMIT_VMEM
    {Resource::vmem, "RLIMIT_VMEM", "vmem", "mapped memory", Unit::bytes},
#endif
  };
  std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) {
    return static_cast<int>(a.resource) < static_cast<int>(b.resource);
  });
  return table;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const std::vector<ResourceInfo>& resources() noexcept {
  static const std::vector<ResourceInfo> table = make_table();
  return table;
}

const ResourceInfo& info(Resource resource) noexcept {
  const auto& table = resources();
  const auto it =
      std::find_if(table.begin(), table.end(),
                   [&](const auto& row) { return row.resource == resource; });
  // Every enumerator has a row, so only a value cast from a bad int misses;
  // that is a caller's bug, and the first row is a harmless answer.
  return it != table.end() ? *it : table.front();
}

std::string_view name(Resource resource) noexcept {
  return info(resource).name;
}

std::string_view c_name(Resource resource) noexcept {
  return info(resource).c_name;
}

std::string_view name(Unit unit) noexcept {
  switch (unit) {
    case Unit::bytes:
      return "bytes";
    case Unit::seconds:
      return "seconds";
    case Unit::microseconds:
      return "microseconds";
    case Unit::count:
      return "count";
    case Unit::nice_ceiling:
      return "nice-ceiling";
    case Unit::priority:
      return "priority";
  }
  return "unknown";
}

std::optional<Resource> try_parse_resource(std::string_view text) noexcept {
  for (const auto& row : resources()) {
    if (equal_ignoring_case(text, row.name) ||
        equal_ignoring_case(text, row.c_name)) {
      return row.resource;
    }
  }
  return std::nullopt;
}

Resource parse_resource(std::string_view text) {
  if (auto resource = try_parse_resource(text)) return *resource;
  throw std::invalid_argument("invalid resource '" + std::string(text) +
                              "': expected one of " + resource_names() +
                              " (or their RLIMIT_* names)");
}

Resource resource_from_native(int value) {
  for (const auto& row : resources()) {
    if (static_cast<int>(row.resource) == value) return row.resource;
  }
  throw std::invalid_argument("invalid resource number " +
                              std::to_string(value) + ": expected 0 to " +
                              std::to_string(resources().size() - 1));
}

std::string resource_names() {
  std::string names;
  for (const auto& row : resources()) {
    if (!names.empty()) names += ", ";
    names += row.name;
  }
  return names;
}

}  // namespace rlkit
