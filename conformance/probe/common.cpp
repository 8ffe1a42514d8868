// Helpers shared by the probe's actions, and the actions that only report.
#include <dirent.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

#include "probe.hpp"
#include "rlkit/child.hpp"
#include "rlkit/json.hpp"
#include "rlkit/limits.hpp"
#include "rlkit/platform.hpp"
#include "rlkit/resource.hpp"
#include "rlkit/usage.hpp"

namespace probe {

std::int64_t Request::number(const std::string& key,
                             std::int64_t fallback) const {
  auto it = params.find(key);
  return it == params.end() ? fallback : std::stoll(it->second);
}

std::string Request::text(const std::string& key,
                          const std::string& fallback) const {
  auto it = params.find(key);
  return it == params.end() ? fallback : it->second;
}

void emit(const Json& object) {
  const std::string line = object.dump() + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n =
        ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;  // a counting handler ran
    if (n <= 0) return;  // the harness went away; nobody to tell
    done += static_cast<std::size_t>(n);
  }
}

void emit_counter(const char* key, long value) noexcept {
  char line[96];
  std::size_t at = 0;
  auto put = [&](char c) {
    if (at < sizeof line) line[at++] = c;
  };
  put('{');
  put('"');
  for (const char* k = key; *k != '\0'; ++k) put(*k);
  put('"');
  put(':');
  char digits[24];
  int count = 0;
  unsigned long magnitude = value < 0 ? 0UL - static_cast<unsigned long>(value)
                                      : static_cast<unsigned long>(value);
  do {
    digits[count++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (value < 0) put('-');
  while (count > 0) put(digits[--count]);
  put('}');
  put('\n');
  const int saved = errno;
  (void)!::write(STDOUT_FILENO, line, at);
  errno = saved;
}

std::string errno_text(int error) {
  return error == 0 ? std::string() : rlkit::errno_name(error);
}

namespace {

std::int64_t cpu_ms(clockid_t clock) {
  timespec now{};
  ::clock_gettime(clock, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

void burn(clockid_t clock, std::int64_t ms) {
  const std::int64_t until = cpu_ms(clock) + ms;
  volatile std::uint64_t sink = 0;
  while (cpu_ms(clock) < until) {
    for (int i = 0; i < 10000; ++i) sink = sink + static_cast<unsigned>(i);
  }
}

}  // namespace

void burn_thread_cpu(std::int64_t ms) { burn(CLOCK_THREAD_CPUTIME_ID, ms); }
void burn_process_cpu(std::int64_t ms) { burn(CLOCK_PROCESS_CPUTIME_ID, ms); }

void* touch_memory(std::size_t bytes) {
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    throw std::runtime_error("cannot map memory: " + errno_text(errno));
  }
  // Transparent huge pages would fault 2 MiB at a time and hide minflt.
  ::madvise(memory, bytes, MADV_NOHUGEPAGE);
  const std::size_t page = rlkit::getpagesize();
  auto* bytes_ptr = static_cast<volatile char*>(memory);
  for (std::size_t at = 0; at < bytes; at += page) bytes_ptr[at] = 1;
  return memory;
}

long count_tasks_of(unsigned uid) {
  long count = 0;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return -1;
  while (dirent* entry = ::readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    const std::string base = std::string("/proc/") + entry->d_name;
    std::ifstream status(base + "/status");
    std::string line;
    unsigned real = 0;
    long threads = 0;
    bool found = false;
    while (std::getline(status, line)) {
      if (line.rfind("Uid:", 0) == 0) {
        real = static_cast<unsigned>(std::stoul(line.substr(4)));
        found = true;
      } else if (line.rfind("Threads:", 0) == 0) {
        threads = std::stol(line.substr(8));
      }
    }
    if (found && real == uid) count += threads;
  }
  ::closedir(proc);
  return count;
}

namespace {

Json all_limits() {
  Json limits = Json::object();
  for (const auto& info : rlkit::resources()) {
    std::error_code ec;
    const auto limit = rlkit::getrlimit(info.resource, ec);
    limits[std::string(info.name)] =
        ec ? Json(errno_text(ec.value())) : Json(limit);
  }
  return limits;
}

}  // namespace

Json run_action(const Request& request) {
  const std::string& action = request.action;
  if (action == "describe") return {{"platform", rlkit::describe_platform()}};
  if (action == "limits" || action == "noop") {
    return {{"limits", all_limits()},
            {"usage", rlkit::getrusage(rlkit::Who::self)},
            {"uid", ::getuid()},
            {"euid", ::geteuid()}};
  }
  if (action == "sleep") {
    // Sleeps in slices so the harness's deadline is what ends it.
    for (std::int64_t i = 0; i < request.number("ms", 60000) / 10; ++i) {
      ::usleep(10000);
    }
    return {{"slept", true}};
  }
  if (action == "pagesize") {
    return {{"getpagesize", rlkit::getpagesize()},
            {"sysconf", ::sysconf(_SC_PAGESIZE)},
            {"libc_getpagesize", ::getpagesize()}};
  }
  for (const auto* table :
       {&limit_actions(), &usage_actions(), &semantics_actions()}) {
    for (const auto& named : *table) {
      if (action == named.name) return named.run(request);
    }
  }
  throw std::invalid_argument("unknown action " + action);
}

}  // namespace probe
