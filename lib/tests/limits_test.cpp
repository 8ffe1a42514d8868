#include "rlkit/limits.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <stdexcept>
#include <type_traits>

#include "child_process.hpp"
#include "rlkit/error.hpp"

namespace {

using rlkit::Limits;
using rlkit::Resource;
using rlkit::testing::has_capability;
using rlkit::testing::in_child;

constexpr int cap_setuid = 7;
constexpr int cap_sys_resource = 24;
constexpr uid_t nobody = 65534;

std::string expect_limits(int resource, const Limits& expected) {
  struct rlimit raw {};
  if (::getrlimit(resource, &raw) != 0) return "raw getrlimit failed";
  if (raw.rlim_cur != expected.soft || raw.rlim_max != expected.hard) {
    return "raw getrlimit says " + std::to_string(raw.rlim_cur) + "/" +
           std::to_string(raw.rlim_max);
  }
  return "";
}

TEST(Limits, InfinityIsThePlatformConstant) {
  EXPECT_EQ(rlkit::infinity, static_cast<std::uint64_t>(RLIM_INFINITY));
  EXPECT_EQ(rlkit::format_limit(rlkit::infinity), "unlimited");
  EXPECT_EQ(rlkit::format_limit(1024), "1024");
  EXPECT_EQ(rlkit::parse_limit("UNLIMITED"), rlkit::infinity);
  EXPECT_EQ(rlkit::parse_limit("infinity"), rlkit::infinity);
  EXPECT_EQ(rlkit::parse_limit("4096"), 4096u);
}

TEST(Limits, ParseLimitRejectsBadInput) {
  EXPECT_THROW(rlkit::parse_limit(""), std::invalid_argument);
  EXPECT_THROW(rlkit::parse_limit("-1"), std::invalid_argument);
  EXPECT_THROW(rlkit::parse_limit("12k"), std::invalid_argument);
  // Python raises OverflowError for a limit that does not fit in rlim_t.
  EXPECT_THROW(rlkit::parse_limit("18446744073709551616"), std::overflow_error);
}

TEST(Limits, GetrlimitMatchesTheRawCallForEveryResource) {
  for (const auto& row : rlkit::resources()) {
    struct rlimit raw {};
    ASSERT_EQ(::getrlimit(static_cast<int>(row.resource), &raw), 0);
    const Limits limits = rlkit::getrlimit(row.resource);
    EXPECT_EQ(limits.soft, raw.rlim_cur) << row.c_name;
    EXPECT_EQ(limits.hard, raw.rlim_max) << row.c_name;
    std::error_code ec = std::make_error_code(std::errc::io_error);
    EXPECT_EQ(rlkit::getrlimit(row.resource, ec), limits);
    EXPECT_FALSE(ec);
  }
}

TEST(Limits, ErrorCodeFormsAreNoexcept) {
  std::error_code ec;
  static_assert(noexcept(rlkit::getrlimit(Resource::cpu, ec)));
  static_assert(noexcept(rlkit::setrlimit(Resource::cpu, Limits{}, ec)));
  static_assert(noexcept(rlkit::prlimit(0, Resource::cpu, ec)));
  static_assert(noexcept(rlkit::prlimit(0, Resource::cpu, Limits{}, ec)));
  static_assert(noexcept(rlkit::raise_nofile_limit(ec)));
  static_assert(std::is_base_of_v<std::system_error, rlkit::limit_error>);
  static_assert(std::is_base_of_v<std::system_error, rlkit::no_such_process>);
  static_assert(std::is_base_of_v<std::system_error, rlkit::permission_denied>);
}

TEST(Limits, SetrlimitLowersTheSoftLimitAsTheRawCallSees) {
  EXPECT_EQ(in_child([] {
              const Limits before = rlkit::getrlimit(Resource::nofile);
              const Limits lowered{64, before.hard};
              rlkit::setrlimit(Resource::nofile, lowered);
              return expect_limits(RLIMIT_NOFILE, lowered);
            }),
            "");
}

TEST(Limits, SoftAboveHardIsLimitErrorEinval) {
  EXPECT_EQ(in_child([]() -> std::string {
              const Limits limits{200, 100};
              try {
                rlkit::setrlimit(Resource::nofile, limits);
                return "no exception";
              } catch (const rlkit::limit_error& e) {
                if (e.code() != std::errc::invalid_argument) {
                  return "code " + e.code().message();
                }
              }
              std::error_code ec;
              rlkit::setrlimit(Resource::nofile, limits, ec);
              if (ec != std::errc::invalid_argument) return "ec not EINVAL";
              struct rlimit raw {
                200, 100
              };
              errno = 0;
              if (::setrlimit(RLIMIT_NOFILE, &raw) != -1 || errno != EINVAL) {
                return "the raw call disagrees";
              }
              return "";
            }),
            "");
}

// Raising a hard limit needs CAP_SYS_RESOURCE (getrlimit(2)).
std::string raise_hard_limit(bool expect_refusal) {
  const Limits before = rlkit::getrlimit(Resource::nofile);
  const Limits lowered{before.soft - 1, before.hard - 1};
  rlkit::setrlimit(Resource::nofile, lowered);
  try {
    rlkit::setrlimit(Resource::nofile, before);
    if (expect_refusal) return "raising the hard limit was allowed";
    return expect_limits(RLIMIT_NOFILE, before);
  } catch (const rlkit::limit_error& e) {
    if (!expect_refusal) return std::string("refused: ") + e.what();
    if (e.code() != std::errc::operation_not_permitted) {
      return "code " + e.code().message();
    }
  }
  std::error_code ec;
  rlkit::setrlimit(Resource::nofile, before, ec);
  return ec == std::errc::operation_not_permitted ? "" : "ec not EPERM";
}

TEST(Limits, RaisingTheHardLimitFollowsCapSysResource) {
  const bool capable = has_capability(cap_sys_resource);
  EXPECT_EQ(in_child([&] { return raise_hard_limit(!capable); }), "");
}

TEST(Limits, RaisingTheHardLimitIsRefusedToAnUnprivilegedUser) {
  if (!has_capability(cap_setuid)) GTEST_SKIP() << "needs cap_setuid";
  EXPECT_EQ(in_child([] {
              if (::setgid(nobody) != 0 || ::setuid(nobody) != 0) {
                return std::string("cannot become nobody");
              }
              return raise_hard_limit(true);
            }),
            "");
}

TEST(Limits, ValueTooLargeForRlimT) {
  if constexpr (sizeof(rlim_t) >= sizeof(std::uint64_t)) {
    GTEST_SKIP() << "every 64-bit value fits this platform's rlim_t";
  } else {
    std::error_code ec;
    rlkit::setrlimit(Resource::nofile,
                     {std::uint64_t{1} << 40, rlkit::infinity}, ec);
    EXPECT_EQ(ec, std::errc::value_too_large);
  }
}

TEST(Limits, RaiseNofileLimitReachesTheHardLimit) {
  EXPECT_EQ(in_child([] {
              const Limits before = rlkit::getrlimit(Resource::nofile);
              rlkit::setrlimit(Resource::nofile, {32, before.hard});
              const Limits now = rlkit::raise_nofile_limit();
              if (now != Limits{before.hard, before.hard})
                return std::string("returned wrong limits");
              return expect_limits(RLIMIT_NOFILE, now);
            }),
            "");
}

TEST(Limits, GetpagesizeIsSysconf) {
  EXPECT_EQ(rlkit::getpagesize(),
            static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)));
}

// A live child to point prlimit at; killed and reaped on destruction.
class Sleeper {
 public:
  explicit Sleeper(uid_t uid = 0) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (uid != 0 && (::setgid(uid) != 0 || ::setuid(uid) != 0)) ::_exit(1);
      for (;;) ::pause();
    }
  }
  ~Sleeper() {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

TEST(Prlimit, ReadsAndSetsAChildsLimits) {
  Sleeper child;
  struct rlimit raw {};
  ASSERT_EQ(::prlimit(child.pid(), RLIMIT_NOFILE, nullptr, &raw), 0);
  const Limits read = rlkit::prlimit(child.pid(), Resource::nofile);
  EXPECT_EQ(read, (Limits{raw.rlim_cur, raw.rlim_max}));

  const Limits lowered{17, raw.rlim_max};
  const Limits old = rlkit::prlimit(child.pid(), Resource::nofile, lowered);
  EXPECT_EQ(old, read);
  ASSERT_EQ(::prlimit(child.pid(), RLIMIT_NOFILE, nullptr, &raw), 0);
  EXPECT_EQ(raw.rlim_cur, 17u);
}

TEST(Prlimit, PidZeroIsTheCaller) {
  struct rlimit raw {};
  ASSERT_EQ(::getrlimit(RLIMIT_STACK, &raw), 0);
  EXPECT_EQ(rlkit::prlimit(0, Resource::stack),
            (Limits{raw.rlim_cur, raw.rlim_max}));
}

pid_t unused_pid() {
  // Pids are always below pid_max, so pid_max itself never exists.
  std::ifstream in("/proc/sys/kernel/pid_max");
  pid_t max = 0;
  in >> max;
  return max > 0 ? max : 4194304;
}

TEST(Prlimit, UnknownAndNegativePidsAreNoSuchProcess) {
  for (pid_t pid : {unused_pid(), pid_t{-1}, pid_t{-12345}}) {
    struct rlimit raw {};
    errno = 0;
    EXPECT_EQ(::prlimit(pid, RLIMIT_NOFILE, nullptr, &raw), -1);
    EXPECT_EQ(errno, ESRCH) << pid;
    try {
      rlkit::prlimit(pid, Resource::nofile);
      ADD_FAILURE() << "no exception for pid " << pid;
    } catch (const rlkit::no_such_process& e) {
      EXPECT_EQ(e.code(), std::errc::no_such_process);
      const std::string call =
          "prlimit(" + std::to_string(pid) + ", RLIMIT_NOFILE)";
      EXPECT_NE(std::string(e.what()).find(call), std::string::npos)
          << e.what();
    }
    std::error_code ec;
    rlkit::prlimit(pid, Resource::nofile, ec);
    EXPECT_EQ(ec, std::errc::no_such_process);
  }
}

std::string expect_permission_denied(pid_t target) {
  try {
    rlkit::prlimit(target, Resource::nofile);
    return "no exception";
  } catch (const rlkit::permission_denied& e) {
    if (e.code() != std::errc::operation_not_permitted) return "not EPERM";
  }
  struct rlimit raw {};
  errno = 0;
  if (::prlimit(target, RLIMIT_NOFILE, nullptr, &raw) != -1 || errno != EPERM) {
    return "the raw call disagrees";
  }
  return "";
}

TEST(Prlimit, AnotherUsersProcessIsPermissionDenied) {
  if (has_capability(cap_setuid)) {
    // Two users that are not root: neither may touch the other's process,
    // whatever capabilities this test process has.
    Sleeper other(nobody);
    EXPECT_EQ(in_child([&] {
                if (::setgid(nobody - 1) != 0 || ::setuid(nobody - 1) != 0) {
                  return std::string("cannot change user");
                }
                return expect_permission_denied(other.pid());
              }),
              "");
  } else if (::getuid() != 0) {
    EXPECT_EQ(expect_permission_denied(1), "");  // init belongs to root
  } else {
    GTEST_SKIP() << "needs cap_setuid, or to run as a user other than root";
  }
}

}  // namespace
