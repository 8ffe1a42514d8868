// Atomic writes and JSON loading, observed through the file system.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "json_file.hpp"
#include "report_error.hpp"

namespace rlkit::report {
namespace {

namespace fs = std::filesystem;

class JsonFileTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (fs::temp_directory_path() / "rlkit-report-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::size_t entries() const {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }
  static std::string read(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
};

TEST_F(JsonFileTest, ReplacesTheTargetWholeAndReadable) {
  fs::path target = dir_ / "out.json";
  std::ofstream(target) << "old";
  write_file_atomically(target, "{\"new\": true}\n");
  EXPECT_EQ(read(target), "{\"new\": true}\n");
  EXPECT_EQ(entries(), 1u);
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_TRUE(st.st_mode & S_IROTH) << "mkstemp's 0600 was kept";
}

TEST_F(JsonFileTest, MissingFolderIsAnErrorNamingTheTarget) {
  fs::path target = dir_ / "no-such-folder" / "out.json";
  try {
    write_file_atomically(target, "x");
    FAIL() << "no error";
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos);
  }
  EXPECT_EQ(entries(), 0u);
}

TEST_F(JsonFileTest, FailedRenameLeavesNoTemporaryFile) {
  // A folder where the file should go makes the final rename fail after the
  // temporary file was written (root ignores permissions, so those cannot
  // be used to make the write fail).
  fs::create_directory(dir_ / "out.json");
  EXPECT_THROW(write_file_atomically(dir_ / "out.json", "x"), ReportError);
  EXPECT_EQ(entries(), 1u);
  EXPECT_TRUE(fs::is_directory(dir_ / "out.json"));
}

TEST_F(JsonFileTest, ParseErrorsGiveLineColumnAndByte) {
  fs::path file = dir_ / "bad.json";
  std::ofstream(file) << "{\n  \"a\": [1, 2,\n";
  try {
    load_json_file(file);
    FAIL() << "no error";
  } catch (const ReportError& e) {
    std::string message = e.what();
    EXPECT_EQ(message.rfind(file.string() + ": line 3, column 1 (byte 16)", 0),
              0u)
        << message;
  }
}

}  // namespace
}  // namespace rlkit::report
