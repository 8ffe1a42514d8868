#include "json_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "report_error.hpp"

namespace rlkit::report {
namespace {

std::string errno_text(int error) { return std::strerror(error); }

// nlohmann reports the byte offset only; people find a line faster.
std::string position_text(const std::string& text, std::size_t byte) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column) +
         " (byte " + std::to_string(byte) + ")";
}

// Drops nlohmann's "[json.exception.parse_error.101] parse error at line 1,
// column 2: " prefix, which repeats what position_text() already says.
std::string parse_reason(const std::string& what) {
  auto colon = what.find(": ");
  if (colon == std::string::npos) return what;
  return what.substr(colon + 2);
}

// Removes the temporary file unless the rename made it the target.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  std::string path_;
};

void write_all(int fd, std::string_view content, const std::string& name) {
  while (!content.empty()) {
    ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      // A signal before any byte was written is not a failure of the disk.
      if (errno == EINTR) continue;
      throw ReportError(name + ": cannot write: " + errno_text(errno));
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

nlohmann::json load_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ReportError(path.string() + ": cannot open: " + errno_text(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    throw ReportError(path.string() + ": cannot read: " + errno_text(errno));
  }
  const std::string text = buffer.str();
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann counts the offending byte itself (1-based); the offset of
    // that byte is one less.
    std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    throw ReportError(path.string() + ": " + position_text(text, offset) +
                      ": not valid JSON: " + parse_reason(e.what()));
  }
}

void write_file_atomically(const std::filesystem::path& target,
                           std::string_view content) {
  const std::string name = target.string();
  std::filesystem::path folder = target.parent_path();
  if (folder.empty()) folder = ".";
  std::string pattern =
      (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  int fd = ::mkstemp(buffer.data());
  if (fd < 0) {
    throw ReportError(name + ": cannot create a temporary file in " +
                      folder.string() + ": " + errno_text(errno));
  }
  TempFile temp(buffer.data());
  try {
    write_all(fd, content, name);
    // mkstemp creates 0600; a report is meant to be read by others.
    mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(fd, 0666 & ~mask) != 0 || ::fsync(fd) != 0) {
      throw ReportError(name + ": cannot write: " + errno_text(errno));
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) {
    throw ReportError(name + ": cannot write: " + errno_text(errno));
  }
  if (::rename(temp.path().c_str(), name.c_str()) != 0) {
    throw ReportError(name + ": cannot replace: " + errno_text(errno));
  }
  temp.release();
  // Makes the rename itself durable. Some file systems refuse fsync on a
  // folder; the new file is complete either way, so that is not an error.
  int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

std::string to_json_text(const nlohmann::json& document) {
  return document.dump(2) + "\n";
}

}  // namespace rlkit::report
