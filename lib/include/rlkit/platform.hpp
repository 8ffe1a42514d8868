// A description of the platform a program runs on, shared by the probe, the
// benchmarks and the reports so that results from many machines compare.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rlkit {

// Linux capability numbers (linux/capability.h) that change what the
// resource limits mean for a process.
enum class Capability : int {
  chown = 0,
  dac_override = 1,
  kill = 5,
  setgid = 6,
  setuid = 7,
  ipc_lock = 14,
  sys_admin = 21,
  sys_nice = 23,
  sys_resource = 24,
};

// A capability set as a bit mask, bit N being capability number N.
struct Capabilities {
  std::uint64_t mask = 0;

  bool has(Capability cap) const noexcept;
  bool has(int number) const noexcept;
  // "cap_sys_resource" for 24; "cap_63" for a number with no name here.
  static std::string name(int number);
  // The names of every capability in the set, lowest number first.
  std::vector<std::string> names() const;
  // The 16-digit hexadecimal form /proc/PID/status uses.
  std::string hex() const;

  friend bool operator==(const Capabilities& a,
                         const Capabilities& b) noexcept {
    return a.mask == b.mask;
  }
};

// The calling thread's effective set, from /proc/self/status; empty where
// the platform has no such file.
Capabilities effective_capabilities();

struct Virtualization {
  std::optional<std::string> hypervisor;  // "kvm", "vmware", ...
  std::optional<std::string> container;   // "docker", "podman", "lxc", ...
};

struct Platform {
  std::string os;              // uname sysname: "Linux"
  std::string kernel_release;  // uname release
  std::string kernel_version;  // uname version
  std::string architecture;    // uname machine: "x86_64", "aarch64"
  int pointer_bits = 0;        // of this build, not of the kernel
  std::string libc;            // "glibc", "musl", ...
  std::string libc_version;
  std::string compiler;  // the compiler that built this code
  std::string cpu_model;
  int cpu_count = 0;  // online CPUs
  std::int64_t page_size = 0;
  Virtualization virtualization;
  // From /sys/devices/system/cpu/vulnerabilities: file name -> its line.
  std::map<std::string, std::string> mitigations;
  std::optional<std::string> clocksource;
  std::string hostname;
  uid_t uid = 0;
  uid_t euid = 0;
  Capabilities capabilities;  // effective
  std::uint64_t rlim_infinity = 0;
};

// Reads everything afresh; a part the platform does not expose is left
// empty (or nullopt) rather than failing the whole description.
Platform describe_platform();

}  // namespace rlkit
