#include "rlkit/usage.hpp"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <ctime>
#include <fstream>
#include <set>
#include <stdexcept>
#include <thread>

namespace {

using rlkit::Usage;
using rlkit::Who;
using namespace std::chrono;

microseconds as_duration(const struct timeval& tv) {
  return seconds(tv.tv_sec) + microseconds(tv.tv_usec);
}

void burn_cpu(milliseconds amount) {
  timespec start{}, now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
  volatile std::uint64_t sink = 0;
  do {
    for (int i = 0; i < 10000; ++i) sink = sink + static_cast<std::uint64_t>(i);
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  } while ((now.tv_sec - start.tv_sec) * 1000 +
               (now.tv_nsec - start.tv_nsec) / 1000000 <
           amount.count());
}

TEST(Usage, FromNativeIsExact) {
  struct rusage raw {};
  raw.ru_utime = {3, 999999};
  raw.ru_stime = {0, 1};
  long value = 100;
  for (long* field :
       {&raw.ru_maxrss, &raw.ru_ixrss, &raw.ru_idrss, &raw.ru_isrss,
        &raw.ru_minflt, &raw.ru_majflt, &raw.ru_nswap, &raw.ru_inblock,
        &raw.ru_oublock, &raw.ru_msgsnd, &raw.ru_msgrcv, &raw.ru_nsignals,
        &raw.ru_nvcsw, &raw.ru_nivcsw}) {
    *field = value++;
  }
  const Usage usage = Usage::from_native(raw);
  EXPECT_EQ(usage.user_time.count(), 3999999);
  EXPECT_EQ(usage.system_time.count(), 1);
  EXPECT_EQ(usage.cpu_time().count(), 4000000);
  EXPECT_EQ(usage.maxrss, 100);
  EXPECT_EQ(usage.maxrss_bytes(), 100 * 1024);  // KiB on Linux
  EXPECT_EQ(usage.nivcsw, 113);

  // The field table reads each member under its own C name.
  const auto& fields = rlkit::usage_fields();
  ASSERT_EQ(fields.size(), 16u);
  EXPECT_EQ(fields[0].c_name, "ru_utime");
  EXPECT_EQ(fields[0].get(usage), 3999999);
  EXPECT_EQ(fields[1].get(usage), 1);
  for (std::size_t i = 2; i < fields.size(); ++i) {
    EXPECT_EQ(fields[i].get(usage), 100 + static_cast<long>(i) - 2)
        << fields[i].name;
    EXPECT_EQ(fields[i].c_name, "ru_" + std::string(fields[i].name));
  }
}

TEST(Usage, FieldsLinuxNeverFillsAreMarked) {
  // getrusage(2): these are unmaintained on Linux.
  const std::set<std::string_view> unfilled = {
      "ixrss", "idrss", "isrss", "nswap", "msgsnd", "msgrcv", "nsignals"};
  const Usage self = rlkit::getrusage(Who::self);
  for (const auto& field : rlkit::usage_fields()) {
    EXPECT_EQ(field.filled_on_linux, unfilled.count(field.name) == 0)
        << field.name;
    if (!field.filled_on_linux) {
      EXPECT_EQ(field.get(self), 0) << field.name;
    }
  }
}

TEST(Usage, SelfLiesBetweenTwoRawSamples) {
  struct rusage before {
  }, after{};
  ASSERT_EQ(::getrusage(RUSAGE_SELF, &before), 0);
  const Usage usage = rlkit::getrusage(Who::self);
  ASSERT_EQ(::getrusage(RUSAGE_SELF, &after), 0);
  EXPECT_GE(usage.user_time, as_duration(before.ru_utime));
  EXPECT_LE(usage.user_time, as_duration(after.ru_utime));
  EXPECT_GE(usage.minflt, before.ru_minflt);
  EXPECT_LE(usage.minflt, after.ru_minflt);
  EXPECT_GE(usage.maxrss, before.ru_maxrss);
  EXPECT_LE(usage.maxrss, after.ru_maxrss);
}

TEST(Usage, MaxrssBytesAgreesWithVmHWM) {
  const Usage usage = rlkit::getrusage(Who::self);
  std::ifstream status("/proc/self/status");
  std::int64_t hwm_kib = -1;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) hwm_kib = std::stoll(line.substr(6));
  }
  ASSERT_GT(hwm_kib, 0);
  // Both are the peak RSS in KiB; they are sampled at different moments.
  EXPECT_NEAR(static_cast<double>(usage.maxrss_bytes()),
              static_cast<double>(hwm_kib * 1024), 4.0 * 1024 * 1024);
}

TEST(Usage, ThreadMatchesTheThreadCpuClock) {
  burn_cpu(milliseconds(30));
  timespec clock{};
  const Usage usage = rlkit::getrusage(Who::thread);
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &clock);
  const auto clock_us = seconds(clock.tv_sec) +
                        duration_cast<microseconds>(nanoseconds(clock.tv_nsec));
  EXPECT_GE(usage.cpu_time(), milliseconds(25));
  // The rusage split into user and system is tick-sampled; the sum tracks
  // the precise clock within a few ticks.
  EXPECT_NEAR(static_cast<double>(usage.cpu_time().count()),
              static_cast<double>(clock_us.count()), 20000.0);
}

TEST(Usage, SelfCountsOtherThreadsButThreadDoesNot) {
  const Usage self_before = rlkit::getrusage(Who::self);
  const Usage thread_before = rlkit::getrusage(Who::thread);
  std::thread worker([] { burn_cpu(milliseconds(60)); });
  worker.join();
  const auto self_delta =
      rlkit::difference(self_before, rlkit::getrusage(Who::self));
  const auto thread_delta =
      rlkit::difference(thread_before, rlkit::getrusage(Who::thread));
  EXPECT_GE(self_delta.cpu_time(), milliseconds(50));
  EXPECT_LT(thread_delta.cpu_time(), milliseconds(30));
}

TEST(Usage, ChildrenGrowsByTheWaitedChildsUsage) {
  struct rusage before {};
  ASSERT_EQ(::getrusage(RUSAGE_CHILDREN, &before), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    burn_cpu(milliseconds(50));
    ::_exit(0);
  }
  int status;
  struct rusage child {};
  ASSERT_EQ(::wait4(pid, &status, 0, &child), pid);
  const Usage after = rlkit::getrusage(Who::children);
  const auto expected =
      as_duration(before.ru_utime) + as_duration(before.ru_stime) +
      as_duration(child.ru_utime) + as_duration(child.ru_stime);
  // The kernel sums nanoseconds and truncates each total to microseconds,
  // so the sum of truncated parts may differ by one per field.
  EXPECT_NEAR(static_cast<double>(after.cpu_time().count()),
              static_cast<double>(expected.count()), 4.0);
  EXPECT_GE(after.cpu_time(), milliseconds(45));
}

TEST(Usage, DifferenceSubtractsCountersAndKeepsThePeak) {
  Usage a, b;
  a.user_time = microseconds(10);
  b.user_time = microseconds(25);
  a.minflt = 5;
  b.minflt = 12;
  a.maxrss = 100;
  b.maxrss = 150;
  a.nvcsw = 1;
  b.nvcsw = 1;
  const Usage d = rlkit::difference(a, b);
  EXPECT_EQ(d.user_time, microseconds(15));
  EXPECT_EQ(d.minflt, 7);
  EXPECT_EQ(d.maxrss, 150);
  EXPECT_EQ(d.nvcsw, 0);
}

TEST(Usage, MinorFaultsMoveWhenNewPagesAreTouched) {
  const std::size_t size = std::size_t{64} * 4096;
  const Usage before = rlkit::getrusage(Who::thread);
  void* memory = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(memory, MAP_FAILED);
  std::memset(memory, 1, size);
  const Usage after = rlkit::getrusage(Who::thread);
  ::munmap(memory, size);
  EXPECT_GE(after.minflt - before.minflt, 64 / 16);  // fault-around, THP
}

TEST(Who, NativeValuesAndNames) {
  EXPECT_EQ(static_cast<int>(Who::self), RUSAGE_SELF);
  EXPECT_EQ(static_cast<int>(Who::children), RUSAGE_CHILDREN);
  EXPECT_EQ(static_cast<int>(Who::thread), RUSAGE_THREAD);
  EXPECT_EQ(rlkit::who_from_native(RUSAGE_CHILDREN), Who::children);
  EXPECT_EQ(rlkit::parse_who("RUSAGE_THREAD"), Who::thread);
  EXPECT_EQ(rlkit::parse_who("Self"), Who::self);
  EXPECT_EQ(rlkit::name(Who::children), "children");
}

TEST(Who, InvalidWhoIsInvalidArgument) {
  // Python: getrusage(42) raises ValueError; the kernel says EINVAL.
  struct rusage raw {};
  errno = 0;
  EXPECT_EQ(::getrusage(42, &raw), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_THROW(rlkit::who_from_native(42), std::invalid_argument);
  try {
    rlkit::parse_who("everyone");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'everyone'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("children"), std::string::npos);
  }
}

TEST(Who, ErrorCodeFormReportsEinval) {
  std::error_code ec;
  static_assert(noexcept(rlkit::getrusage(Who::self, ec)));
  rlkit::getrusage(static_cast<Who>(42), ec);
  EXPECT_EQ(ec, std::errc::invalid_argument);
  EXPECT_THROW(rlkit::getrusage(static_cast<Who>(42)), std::system_error);
}

}  // namespace
