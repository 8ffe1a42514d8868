#include "rlkit/platform.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "child_process.hpp"

namespace {

std::string read_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(Platform, AgreesWithUnameAndProc) {
  const auto p = rlkit::describe_platform();
  struct utsname names {};
  ASSERT_EQ(::uname(&names), 0);
  EXPECT_EQ(p.os, names.sysname);
  EXPECT_EQ(p.architecture, names.machine);
  EXPECT_EQ(p.kernel_release, read_line("/proc/sys/kernel/osrelease"));
  EXPECT_EQ(p.pointer_bits, static_cast<int>(sizeof(void*) * 8));
  EXPECT_EQ(p.page_size, ::sysconf(_SC_PAGESIZE));
  EXPECT_EQ(p.cpu_count, ::sysconf(_SC_NPROCESSORS_ONLN));
  EXPECT_EQ(p.uid, ::getuid());
  EXPECT_EQ(p.euid, ::geteuid());
  EXPECT_EQ(p.rlim_infinity, static_cast<std::uint64_t>(RLIM_INFINITY));
  EXPECT_FALSE(p.compiler.empty());
  EXPECT_EQ(p.libc, "glibc");
  EXPECT_FALSE(p.libc_version.empty());
  EXPECT_EQ(p.hostname, read_line("/proc/sys/kernel/hostname"));
  const std::string clocksource = read_line(
      "/sys/devices/system/clocksource/clocksource0/current_clocksource");
  if (!clocksource.empty()) {
    EXPECT_EQ(p.clocksource, clocksource);
  }
}

TEST(Platform, MitigationsMirrorSysfs) {
  const auto p = rlkit::describe_platform();
  const char* dir = "/sys/devices/system/cpu/vulnerabilities/";
  for (const auto& [name, line] : p.mitigations) {
    EXPECT_EQ(line, read_line((dir + name).c_str())) << name;
  }
  if (!read_line("/sys/devices/system/cpu/vulnerabilities/meltdown").empty()) {
    EXPECT_EQ(p.mitigations.count("meltdown"), 1u);
  }
}

TEST(Capabilities, EffectiveSetMatchesCapget) {
  const auto caps = rlkit::effective_capabilities();
  for (int number = 0; number < 41; ++number) {
    EXPECT_EQ(caps.has(number), rlkit::testing::has_capability(number))
        << rlkit::Capabilities::name(number);
  }
}

TEST(Capabilities, NamesFollowLinuxCapabilityH) {
  EXPECT_EQ(rlkit::Capabilities::name(0), "cap_chown");
  EXPECT_EQ(rlkit::Capabilities::name(14), "cap_ipc_lock");
  EXPECT_EQ(rlkit::Capabilities::name(21), "cap_sys_admin");
  EXPECT_EQ(rlkit::Capabilities::name(23), "cap_sys_nice");
  EXPECT_EQ(rlkit::Capabilities::name(24), "cap_sys_resource");
  EXPECT_EQ(rlkit::Capabilities::name(40), "cap_checkpoint_restore");
  EXPECT_EQ(rlkit::Capabilities::name(63), "cap_63");
  const rlkit::Capabilities caps{(1ull << 24) | (1ull << 7) | 1ull};
  EXPECT_EQ(caps.hex(), "0000000001000081");
  EXPECT_EQ(caps.names(), (std::vector<std::string>{"cap_chown", "cap_setuid",
                                                    "cap_sys_resource"}));
  EXPECT_TRUE(caps.has(rlkit::Capability::sys_resource));
  EXPECT_FALSE(caps.has(rlkit::Capability::sys_nice));
}

TEST(Capabilities, AnUnprivilegedUserHasNone) {
  if (!rlkit::testing::has_capability(7)) GTEST_SKIP() << "needs cap_setuid";
  EXPECT_EQ(rlkit::testing::in_child([] {
              if (::setgid(65534) != 0 || ::setuid(65534) != 0) {
                return std::string("cannot become nobody");
              }
              const auto caps = rlkit::effective_capabilities();
              return caps.mask == 0 ? std::string()
                                    : "effective set " + caps.hex();
            }),
            "");
}

}  // namespace
