#include "probe_runner.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>
#include <mutex>
#include <sstream>

namespace conformance {
namespace bp = boost::process;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Boost.Process 1.74 opens its own descriptors (the exec-error pipe, files
// for redirections) without close-on-exec; a child forked by another thread
// meanwhile would inherit them. Spawning one at a time keeps each child's
// descriptors its own; our stdout pipe is close-on-exec besides.
std::mutex spawn_mutex;

// Runs in the forked child before exec: only async-signal-safe calls.
void prepare_child() {
  ::setpgid(0, 0);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int signal = 1; signal < NSIG; ++signal) {
    if (signal != SIGKILL && signal != SIGSTOP)
      ::sigaction(signal, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // Any descriptor another harness thread opened without O_CLOEXEC
  // meanwhile would reach the probe and shift what it counts (NOFILE):
  // everything but stdin, stdout and stderr closes at exec. Marking rather
  // than closing keeps Boost's own exec-error pipe working.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 3; fd < 4096; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}

std::string read_file(const fs::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "re");
  if (file == nullptr) return {};
  std::string text;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0 &&
         text.size() < 65536) {
    text.append(buffer, n);
  }
  std::fclose(file);
  return text;
}

void parse_lines(const std::string& text, std::vector<nlohmann::json>& lines) {
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    if (!parsed.is_discarded() && parsed.is_object()) lines.push_back(parsed);
  }
}

}  // namespace

const nlohmann::json& ProbeResult::last() const {
  static const nlohmann::json empty = nlohmann::json::object();
  return lines.empty() ? empty : lines.back();
}

int ProbeResult::count(const std::string& key) const {
  int n = 0;
  for (const auto& line : lines) n += line.contains(key) ? 1 : 0;
  return n;
}

std::string ProbeResult::describe() const {
  if (!spawn_error.empty()) return "not started: " + spawn_error;
  std::string text = status.describe();
  if (timed_out) text = "timed out and " + text;
  return text;
}

std::string ProbeResult::trouble() const {
  if (!spawn_error.empty())
    return "the probe could not be started: " + spawn_error;
  if (timed_out) return "timed out (" + describe() + ")";
  const auto& result = last();
  if (result.contains("setup_error")) {
    return "the probe could not prepare: " +
           result["setup_error"].get<std::string>();
  }
  if (result.contains("error")) {
    return "the probe reported: " + result["error"].get<std::string>();
  }
  if (status.exited() && status.exit_code() != 0) {
    return "the probe " + describe() +
           (stderr_text.empty() ? "" : ": " + stderr_text);
  }
  return {};
}

ProbeRunner::ProbeRunner(std::vector<std::string> launcher, std::string probe,
                         fs::path temp_root, double slowdown)
    : launcher_(std::move(launcher)),
      probe_(std::move(probe)),
      temp_root_(std::move(temp_root)),
      slowdown_(slowdown) {}

ProbeResult ProbeRunner::run(const ProbeRun& request,
                             const std::string& folder_name) const {
  ProbeResult result;
  const auto started = Clock::now();
  const fs::path folder = temp_root_ / folder_name;
  fs::create_directories(folder);
  if (request.become) {
    fs::permissions(folder, fs::perms::all);  // the other user writes here
  }

  std::vector<std::string> args(launcher_.begin(), launcher_.end());
  args.push_back(probe_);
  if (request.become) {
    args.push_back("--become");
    args.push_back(std::to_string(*request.become) + ":" +
                   std::to_string(*request.become));
  }
  args.insert(args.end(), request.options.begin(), request.options.end());
  args.push_back(request.action);
  const std::string program = args.front();
  args.erase(args.begin());
  const std::string executable = program.find('/') == std::string::npos
                                     ? bp::search_path(program).string()
                                     : program;

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    result.spawn_error = "pipe2: " + rlkit::errno_name(errno);
    fs::remove_all(folder);
    return result;
  }
  pid_t pid = -1;
  {
    std::lock_guard<std::mutex> lock(spawn_mutex);
    std::error_code ec;
    bp::pipe pipe(out[0], out[1]);
    bp::child child(
        executable, bp::args(args), bp::std_in<bp::null, bp::std_out> pipe,
        bp::std_err > (folder / ".stderr").string(),
        bp::start_dir(folder.string()),
        bp::extend::on_exec_setup([](auto&) { prepare_child(); }), ec);
    // The pipe object closes its end when it goes; keep our own copy.
    out[0] = ::fcntl(pipe.native_source(), F_DUPFD_CLOEXEC, 0);
    if (ec || !child.valid()) {
      result.spawn_error = executable + ": " + ec.message();
    } else {
      pid = child.id();
      ::setpgid(pid, pid);  // also here, in case the child has not yet
      child.detach();       // we reap it ourselves, with wait4
    }
  }
  if (pid < 0) {
    ::close(out[0]);
    fs::remove_all(folder);
    return result;
  }

  // Read until EOF, and reap; neither may outlast the deadline, which counts
  // from the spawn (not from the wait for the spawn lock).
  const auto spawned = Clock::now();
  const auto deadline = spawned + std::chrono::duration_cast<Clock::duration>(
                                      request.deadline * slowdown_);
  std::string text;
  bool eof = false;
  std::optional<rlkit::ChildStatus> status;
  ::fcntl(out[0], F_SETFL, O_NONBLOCK);
  while (!status) {
    pollfd poll_fd{out[0], POLLIN, 0};
    ::poll(&poll_fd, eof ? 0 : 1, 10);
    char buffer[4096];
    while (!eof) {
      const ssize_t n = ::read(out[0], buffer, sizeof buffer);
      if (n == 0) eof = true;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // EAGAIN: nothing more for now
      text.append(buffer, static_cast<std::size_t>(n));
    }
    status = rlkit::try_wait_child(pid);
    if (status) break;
    if (eof) ::usleep(2000);
    if (Clock::now() >= deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      status = rlkit::wait_child(pid);
    }
  }
  // What it wrote just before it ended.
  ssize_t n;
  char buffer[4096];
  while ((n = ::read(out[0], buffer, sizeof buffer)) > 0)
    text.append(buffer, n);
  ::close(out[0]);
  // Anything left in its group (a grandchild) goes too; this harness is their
  // subreaper and reaps them at the end of the run.
  ::kill(-pid, SIGKILL);

  result.status = *status;
  parse_lines(text, result.lines);
  result.stderr_text = read_file(folder / ".stderr");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const auto name = entry.path().filename().string();
    if (name != ".stderr") result.files.push_back(name);
  }
  fs::remove_all(folder, ec);
  result.seconds =
      std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

}  // namespace conformance
