#include "rlkit/platform.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

namespace rlkit {
namespace {

constexpr const char* capability_names[] = {
    "cap_chown",
    "cap_dac_override",
    "cap_dac_read_search",
    "cap_fowner",
    "cap_fsetid",
    "cap_kill",
    "cap_setgid",
    "cap_setuid",
    "cap_setpcap",
    "cap_linux_immutable",
    "cap_net_bind_service",
    "cap_net_broadcast",
    "cap_net_admin",
    "cap_net_raw",
    "cap_ipc_lock",
    "cap_ipc_owner",
    "cap_sys_module",
    "cap_sys_rawio",
    "cap_sys_chroot",
    "cap_sys_ptrace",
    "cap_sys_pacct",
    "cap_sys_admin",
    "cap_sys_boot",
    "cap_sys_nice",
    "cap_sys_resource",
    "cap_sys_time",
    "cap_sys_tty_config",
    "cap_mknod",
    "cap_lease",
    "cap_audit_write",
    "cap_audit_control",
    "cap_setfcap",
    "cap_mac_override",
    "cap_mac_admin",
    "cap_syslog",
    "cap_wake_alarm",
    "cap_block_suspend",
    "cap_audit_read",
    "cap_perfmon",
    "cap_bpf",
    "cap_checkpoint_restore",
};

// The first line of a small file, without its newline; nullopt when the
// file is absent or unreadable, which is normal for most of /sys.
std::optional<std::string> first_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

// The value of the first "key: value" line of a /proc file whose key is one
// of `keys`, tried in order.
std::optional<std::string> proc_field(const char* path,
                                      std::initializer_list<const char*> keys) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (const char* key : keys) {
    const std::string_view wanted(key);
    for (const auto& line : lines) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string_view name(line.data(), colon);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
        name.remove_suffix(1);
      }
      if (name != wanted) continue;
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      return value;
    }
  }
  return std::nullopt;
}

std::optional<std::string> hypervisor() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  __cpuid(1, eax, ebx, ecx, edx);
  if ((ecx & (1u << 31)) != 0) {  // the "running under a hypervisor" bit
    __cpuid(0x40000000, eax, ebx, ecx, edx);
    char vendor[13] = {};
    std::memcpy(vendor + 0, &ebx, 4);
    std::memcpy(vendor + 4, &ecx, 4);
    std::memcpy(vendor + 8, &edx, 4);
    const std::string_view id(vendor);
    if (id == "KVMKVMKVM") return "kvm";
    if (id == "TCGTCGTCGTCG") return "qemu";
    if (id == "Microsoft Hv") return "hyperv";
    if (id == "VMwareVMware") return "vmware";
    if (id == "XenVMMXenVMM") return "xen";
    if (id == "bhyve bhyve ") return "bhyve";
    if (id == "VBoxVBoxVBox") return "virtualbox";
    return id.empty() ? std::string("unknown") : std::string(id);
  }
#endif
  if (auto type = first_line("/sys/hypervisor/type")) return *type;
  if (auto vendor = first_line("/sys/class/dmi/id/sys_vendor")) {
    for (auto [needle, name] :
         {std::pair{"QEMU", "qemu"}, std::pair{"VMware", "vmware"},
          std::pair{"Microsoft", "hyperv"}, std::pair{"innotek", "virtualbox"},
          std::pair{"Xen", "xen"}}) {
      if (vendor->find(needle) != std::string::npos) return name;
    }
  }
  return std::nullopt;
}

std::optional<std::string> container() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists("/.dockerenv", ec)) return "docker";
  if (fs::exists("/run/.containerenv", ec)) return "podman";
  // systemd-nspawn, lxc and others announce themselves to pid 1; reading
  // its environment needs privilege, so absence here proves nothing.
  std::ifstream environ("/proc/1/environ");
  for (std::string entry; std::getline(environ, entry, '\0');) {
    if (entry.rfind("container=", 0) == 0) return entry.substr(10);
  }
  std::ifstream cgroup("/proc/self/cgroup");
  for (std::string line; std::getline(cgroup, line);) {
    for (const char* name : {"docker", "kubepods", "lxc", "libpod"}) {
      if (line.find(name) != std::string::npos) return std::string(name);
    }
  }
  return std::nullopt;
}

std::string libc_name() {
#ifdef __GLIBC__
  return "glibc";
#elif defined(__APPLE__)
  return "libSystem";
#elif defined(__FreeBSD__)
  return "FreeBSD libc";
#elif defined(__linux__)
  return "musl";  // the one common Linux libc that defines no macro
#else
  return "unknown";
#endif
}

std::string libc_version() {
#ifdef __GLIBC__
  return gnu_get_libc_version();
#else
  return "";
#endif
}

std::string compiler() {
#if defined(__clang__)
  return "Clang " __clang_version__;
#elif defined(__GNUC__)
  return "GCC " __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

bool Capabilities::has(int number) const noexcept {
  return number >= 0 && number < 64 && ((mask >> number) & 1u) != 0;
}

bool Capabilities::has(Capability cap) const noexcept {
  return has(static_cast<int>(cap));
}

std::string Capabilities::name(int number) {
  constexpr int known = sizeof capability_names / sizeof capability_names[0];
  if (number >= 0 && number < known) return capability_names[number];
  return "cap_" + std::to_string(number);
}

std::vector<std::string> Capabilities::names() const {
  std::vector<std::string> result;
  for (int number = 0; number < 64; ++number) {
    if (has(number)) result.push_back(name(number));
  }
  return result;
}

std::string Capabilities::hex() const {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx",
                static_cast<unsigned long long>(mask));
  return text;
}

Capabilities effective_capabilities() {
  Capabilities caps;
  if (auto value = proc_field("/proc/self/status", {"CapEff"})) {
    caps.mask = std::stoull(*value, nullptr, 16);
  }
  return caps;
}

Platform describe_platform() {
  Platform p;
  struct utsname names {};
  if (::uname(&names) == 0) {
    p.os = names.sysname;
    p.kernel_release = names.release;
    p.kernel_version = names.version;
    p.architecture = names.machine;
  }
  p.pointer_bits = static_cast<int>(sizeof(void*) * 8);
  p.libc = libc_name();
  p.libc_version = libc_version();
  p.compiler = compiler();
  p.cpu_model = proc_field("/proc/cpuinfo", {"model name", "Model", "Hardware",
                                             "cpu model", "uarch", "cpu"})
                    .value_or("");
  p.cpu_count = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  p.page_size = ::sysconf(_SC_PAGESIZE);
  p.virtualization = {hypervisor(), container()};
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(
           "/sys/devices/system/cpu/vulnerabilities", ec)) {
    if (auto line = first_line(entry.path())) {
      p.mitigations[entry.path().filename().string()] = *line;
    }
  }
  p.clocksource = first_line(
      "/sys/devices/system/clocksource/clocksource0/current_clocksource");
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) p.hostname = host;
  p.uid = ::getuid();
  p.euid = ::geteuid();
  p.capabilities = effective_capabilities();
  p.rlim_infinity = static_cast<std::uint64_t>(RLIM_INFINITY);
  return p;
}

}  // namespace rlkit
