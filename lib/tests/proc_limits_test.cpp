#include "rlkit/proc_limits.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <stdexcept>

#include "rlkit/error.hpp"

namespace {

using rlkit::Resource;

TEST(ProcLimits, OwnFileMatchesGetrlimitForEveryResource) {
  const auto limits = rlkit::read_proc_limits(::getpid());
  ASSERT_EQ(limits.size(),
            static_cast<std::size_t>(static_cast<int>(RLIM_NLIMITS)));
  for (const auto& row : limits) {
    struct rlimit raw {};
    ASSERT_EQ(::getrlimit(static_cast<int>(row.resource), &raw), 0);
    EXPECT_EQ(row.limits.soft, raw.rlim_cur) << rlkit::name(row.resource);
    EXPECT_EQ(row.limits.hard, raw.rlim_max) << rlkit::name(row.resource);
  }
  EXPECT_EQ(rlkit::read_proc_limits(0), limits);
}

TEST(ProcLimits, SeesAChildsChangedLimits) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct rlimit raw {};
    ::getrlimit(RLIMIT_NOFILE, &raw);
    raw.rlim_cur = 23;
    ::setrlimit(RLIMIT_NOFILE, &raw);
    (void)!::write(ready[1], "x", 1);
    for (;;) ::pause();
  }
  char byte;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  const auto limits = rlkit::read_proc_limits(pid);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  bool found = false;
  for (const auto& row : limits) {
    if (row.resource == Resource::nofile) {
      found = true;
      EXPECT_EQ(row.limits.soft, 23u);
    }
  }
  EXPECT_TRUE(found);
}

TEST(ProcLimits, ParsesTheKernelsLayout) {
  // As fs/proc/base.c prints it: "%-25s %-20s %-20s %-10s".
  const char* text =
      "Limit                     Soft Limit           Hard Limit           "
      "Units     \n"
      "Max cpu time              unlimited            unlimited            "
      "seconds   \n"
      "Max open files            1024                 524288               "
      "files     \n"
      "Max nice priority         0                    0                    "
      "\n"
      "Max realtime timeout      unlimited            unlimited            "
      "us        \n"
      "Max future resource       1                    2                    "
      "things    \n";
  const auto limits = rlkit::parse_proc_limits(text);
  ASSERT_EQ(limits.size(), 4u);
  EXPECT_EQ(limits[0], (rlkit::ResourceLimits{Resource::cpu, {}}));
  EXPECT_EQ(limits[1],
            (rlkit::ResourceLimits{Resource::nofile, {1024, 524288}}));
  EXPECT_EQ(limits[2], (rlkit::ResourceLimits{Resource::nice, {0, 0}}));
  EXPECT_EQ(limits[3], (rlkit::ResourceLimits{Resource::rttime, {}}));
}

TEST(ProcLimits, MalformedTextIsInvalidArgumentNamingTheLine) {
  EXPECT_THROW(rlkit::parse_proc_limits(""), std::invalid_argument);
  EXPECT_THROW(rlkit::parse_proc_limits("Max cpu time 1 2\n"),
               std::invalid_argument);
  try {
    rlkit::parse_proc_limits("Limit\nMax open files            lots  1\n");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Max open files"), std::string::npos);
  }
}

TEST(ProcLimits, UnknownPidIsNoSuchProcess) {
  std::ifstream in("/proc/sys/kernel/pid_max");
  pid_t max = 0;
  in >> max;
  ASSERT_GT(max, 0);
  EXPECT_THROW(rlkit::read_proc_limits(max), rlkit::no_such_process);
  std::error_code ec;
  EXPECT_TRUE(rlkit::read_proc_limits(-5, ec).empty());
  EXPECT_EQ(ec, std::errc::no_such_process);
}

}  // namespace
