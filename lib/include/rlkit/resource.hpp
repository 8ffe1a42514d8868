// Resources whose limits getrlimit(2) and setrlimit(2) manage, as a typed
// enum with a table of names, descriptions and units.
#pragma once

#include <sys/resource.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rlkit {

// One enumerator per RLIMIT_* constant this platform defines; the value is
// the platform's own constant, so a cast to int gives what the C API takes.
// Linux defines sixteen; the BSD and macOS ones build only where they exist.
enum class Resource : int {
  cpu = RLIMIT_CPU,
  fsize = RLIMIT_FSIZE,
  data = RLIMIT_DATA,
  stack = RLIMIT_STACK,
  core = RLIMIT_CORE,
// macOS defines RLIMIT_RSS as RLIMIT_AS; glibc makes both enumerators, which
// the preprocessor cannot compare.
#if defined(RLIMIT_RSS) && !defined(__APPLE__)
  rss = RLIMIT_RSS,
#endif
#ifdef RLIMIT_NPROC
  nproc = RLIMIT_NPROC,
#endif
  nofile = RLIMIT_NOFILE,
#ifdef RLIMIT_MEMLOCK
  memlock = RLIMIT_MEMLOCK,
#endif
  as = RLIMIT_AS,
#ifdef RLIMIT_LOCKS
  locks = RLIMIT_LOCKS,
#endif
#ifdef RLIMIT_SIGPENDING
  sigpending = RLIMIT_SIGPENDING,
#endif
#ifdef RLIMIT_MSGQUEUE
  msgqueue = RLIMIT_MSGQUEUE,
#endif
#ifdef RLIMIT_NICE
  nice = RLIMIT_NICE,
#endif
#ifdef RLIMIT_RTPRIO
  rtprio = RLIMIT_RTPRIO,
#endif
#ifdef RLIMIT_RTTIME
  rttime = RLIMIT_RTTIME,
#endif
#ifdef RLIMIT_SBSIZE
  sbsize = RLIMIT_SBSIZE,
#endif
#ifdef RLIMIT_SWAP
  swap = RLIMIT_SWAP,
#endif
#ifdef RLIMIT_NPTS
  npts = RLIMIT_NPTS,
#endif
#ifdef RLIMIT_KQUEUES
  kqueues = RLIMIT_KQUEUES,
#endif
#ifdef RLIMIT_UMTXP
  umtxp = RLIMIT_UMTXP,
#endif
#ifdef RLIMIT_VMEM
  vmem = RLIMIT_VMEM,
#endif
};

// What a limit's numbers count, as the kernel documents for each resource.
enum class Unit {
  bytes,
  seconds,
  microseconds,
  count,
  nice_ceiling,  // the ceiling on the nice value is 20 - limit
  priority,
};

struct ResourceInfo {
  Resource resource;
  std::string_view c_name;       // "RLIMIT_NOFILE"
  std::string_view name;         // "nofile"
  std::string_view description;  // "open file descriptors"
  Unit unit;
};

// Every resource this platform defines, in the order of their constants.
const std::vector<ResourceInfo>& resources() noexcept;

const ResourceInfo& info(Resource resource) noexcept;
std::string_view name(Resource resource) noexcept;
std::string_view c_name(Resource resource) noexcept;
std::string_view name(Unit unit) noexcept;

// Accepts the short name ("nofile") or the C name ("RLIMIT_NOFILE"), in any
// case. Throws std::invalid_argument naming the input and every valid name.
Resource parse_resource(std::string_view text);
std::optional<Resource> try_parse_resource(std::string_view text) noexcept;

// Converts a raw RLIMIT_* number, as Python's resource module accepts one.
// Throws std::invalid_argument for a number the platform does not define.
Resource resource_from_native(int value);

// A comma-separated list of every short name, for error messages and help.
std::string resource_names();

}  // namespace rlkit
