#include "support.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string>
#include <system_error>

namespace rlkit::bench {

const char* const trivial_program = "/bin/true";

void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), "cannot " + what);
}

namespace {

void* park(void* arg) {
  const int fd = *static_cast<const int*>(arg);
  char byte = 0;
  // Nothing is ever written: the read ends when the last write end closes.
  while (::read(fd, &byte, 1) < 0 && errno == EINTR) {
  }
  return nullptr;
}

}  // namespace

ParkedThreads::ParkedThreads(int count) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("create a pipe");
  wake_read_ = fds[0];
  wake_write_ = fds[1];
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  // A small stack: a thousand default 8 MiB stacks reserve 8 GiB.
  pthread_attr_setstacksize(&attr, std::size_t{64} * 1024);
  threads_.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    pthread_t thread;
    const int error = pthread_create(&thread, &attr, park, &wake_read_);
    if (error != 0) {
      pthread_attr_destroy(&attr);
      release();
      errno = error;
      throw_errno("start parked thread " + std::to_string(i + 1) + " of " +
                  std::to_string(count));
    }
    threads_.push_back(thread);
  }
  pthread_attr_destroy(&attr);
}

ParkedThreads::~ParkedThreads() { release(); }

void ParkedThreads::release() noexcept {
  if (wake_write_ >= 0) ::close(wake_write_);
  wake_write_ = -1;
  for (const pthread_t thread : threads_) pthread_join(thread, nullptr);
  threads_.clear();
  if (wake_read_ >= 0) ::close(wake_read_);
  wake_read_ = -1;
}

SleepingChild::SleepingChild() {
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw_errno("fork a sleeping child");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The parent may have died before the line above took effect.
    if (::getppid() != parent) ::_exit(1);
    for (;;) ::pause();
  }
}

SleepingChild::~SleepingChild() {
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

std::size_t read_file(const char* path, std::vector<char>& buffer) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno(std::string("open ") + path);
  std::size_t total = 0;
  for (;;) {
    if (total == buffer.size()) buffer.resize(buffer.size() * 2 + 4096);
    const ssize_t n = ::read(fd, buffer.data() + total, buffer.size() - total);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      errno = error;
      throw_errno(std::string("read ") + path);
    }
    total += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return total;
}

}  // namespace rlkit::bench
