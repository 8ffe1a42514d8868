#include "rlkit/child.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <ctime>

namespace {

pid_t spawn(void (*body)()) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    body();
    ::_exit(0);
  }
  return pid;
}

TEST(WaitChild, ExitStatus) {
  const pid_t pid = spawn([] { ::_exit(3); });
  const auto status = rlkit::wait_child(pid);
  EXPECT_EQ(status.pid, pid);
  EXPECT_TRUE(status.exited());
  EXPECT_EQ(status.exit_code(), 3);
  EXPECT_FALSE(status.signaled());
  EXPECT_EQ(status.signal(), 0);
  EXPECT_EQ(status.describe(), "exited with status 3");
}

TEST(WaitChild, TerminatingSignalWithoutCore) {
  const pid_t pid = spawn([] {
    const struct rlimit no_core { 0, 0 };
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::abort();
  });
  const auto status = rlkit::wait_child(pid);
  EXPECT_TRUE(status.signaled());
  EXPECT_EQ(status.signal(), SIGABRT);
  EXPECT_FALSE(status.core_dumped());  // core(5): no dump with CORE 0
  EXPECT_EQ(status.exit_code(), -1);
  EXPECT_EQ(status.describe(), "killed by SIGABRT");
}

TEST(WaitChild, UsageIsTheChildsOwn) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    timespec start{}, now{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
    do {
      ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    } while ((now.tv_sec - start.tv_sec) * 1'000'000'000L + now.tv_nsec -
                 start.tv_nsec <
             40'000'000L);
    struct rusage self {};
    ::getrusage(RUSAGE_SELF, &self);
    const long us = self.ru_utime.tv_sec * 1000000L + self.ru_utime.tv_usec +
                    self.ru_stime.tv_sec * 1000000L + self.ru_stime.tv_usec;
    (void)!::write(fds[1], &us, sizeof us);
    ::_exit(0);
  }
  ::close(fds[1]);
  long reported = 0;
  ASSERT_EQ(::read(fds[0], &reported, sizeof reported),
            static_cast<ssize_t>(sizeof reported));
  ::close(fds[0]);
  const auto status = rlkit::wait_child(pid);
  EXPECT_GE(reported, 30000);
  // The child's last word was its own usage; wait4 sees that much or more.
  EXPECT_GE(status.usage.cpu_time().count(), reported);
  EXPECT_LT(status.usage.cpu_time().count(), reported + 50000);
}

TEST(WaitChild, TryWaitSeesARunningChildThenItsEnd) {
  const pid_t pid = spawn([] {
    for (;;) ::pause();
  });
  EXPECT_FALSE(rlkit::try_wait_child(pid).has_value());
  ::kill(pid, SIGKILL);
  std::optional<rlkit::ChildStatus> status;
  for (int i = 0; i < 2000 && !status; ++i) {
    status = rlkit::try_wait_child(pid);
    if (!status) ::usleep(1000);
  }
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->signal(), SIGKILL);
  EXPECT_EQ(status->describe(), "killed by SIGKILL");
}

TEST(WaitChild, NoSuchChildIsEchild) {
  std::error_code ec;
  rlkit::wait_child(::getpid(), ec);  // not our child
  EXPECT_EQ(ec, std::errc::no_child_process);
  EXPECT_THROW(rlkit::wait_child(::getpid()), std::system_error);
}

TEST(Names, SignalsAndErrnos) {
  EXPECT_EQ(rlkit::signal_name(SIGXCPU), "SIGXCPU");
  EXPECT_EQ(rlkit::signal_name(SIGXFSZ), "SIGXFSZ");
  EXPECT_EQ(rlkit::signal_name(SIGRTMIN), "SIGRTMIN");
  EXPECT_EQ(rlkit::signal_name(SIGRTMIN + 2), "SIGRTMIN+2");
  EXPECT_EQ(rlkit::signal_name(1000), "signal 1000");
  EXPECT_EQ(rlkit::errno_name(EMFILE), "EMFILE");
  EXPECT_EQ(rlkit::errno_name(EFBIG), "EFBIG");
  EXPECT_EQ(rlkit::errno_name(EAGAIN), "EAGAIN");
  EXPECT_EQ(rlkit::errno_name(4095), "errno 4095");
#ifdef __GLIBC__
  // glibc's own table agrees wherever we name a number.
  for (int error = 1; error < 134; ++error) {
    const std::string ours = rlkit::errno_name(error);
    if (ours.rfind("errno ", 0) == 0) continue;
    const char* theirs = ::strerrorname_np(error);
    ASSERT_NE(theirs, nullptr);
    // Aliases (EWOULDBLOCK, EDEADLOCK, EOPNOTSUPP) share a number.
    if (error != EAGAIN && error != EDEADLK && error != ENOTSUP) {
      EXPECT_EQ(ours, theirs);
    }
  }
  for (int signal = 1; signal < 32; ++signal) {
    const char* abbrev = ::sigabbrev_np(signal);
    if (abbrev == nullptr) continue;
    const std::string ours = rlkit::signal_name(signal);
    if (ours.rfind("signal ", 0) == 0) continue;
    if (std::string("SIG") + abbrev != ours) {
      // SIGIOT/SIGABRT, SIGPOLL/SIGIO, SIGCLD/SIGCHLD are aliases.
      EXPECT_TRUE(signal == SIGABRT || signal == SIGIO || signal == SIGCHLD)
          << ours << " vs SIG" << abbrev;
    }
  }
#endif
}

}  // namespace
