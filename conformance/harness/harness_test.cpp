// Unit tests of the harness's own pieces: the privilege level, the atomic
// report write, and how a probe's output is read.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include <gtest/gtest.h>

#include "probe_runner.hpp"
#include "runner.hpp"

namespace conformance {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t all_caps = (std::uint64_t{1} << 41) - 1;  // cap 0..40

TEST(PrivilegeLevel, NonZeroEuidIsUnprivilegedWhateverItHolds) {
  std::vector<std::string> missing{"stale"};
  EXPECT_EQ(privilege_level(1000, all_caps, all_caps, missing), "unprivileged");
  EXPECT_TRUE(missing.empty());
}

TEST(PrivilegeLevel, RootWithEveryKnownCapability) {
  std::vector<std::string> missing;
  EXPECT_EQ(privilege_level(0, all_caps, all_caps, missing), "root");
  EXPECT_TRUE(missing.empty());
}

TEST(PrivilegeLevel, RootWithoutSysResourceListsIt) {
  std::vector<std::string> missing;
  const std::uint64_t effective = all_caps & ~(std::uint64_t{1} << 24);
  EXPECT_EQ(privilege_level(0, effective, all_caps, missing),
            "root-restricted");
  EXPECT_EQ(missing, std::vector<std::string>{"cap_sys_resource"});
}

class WriteAtomically : public testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("rlkit-harness-test-" + std::to_string(::getpid()));
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }
  fs::path folder_;
};

TEST_F(WriteAtomically, ReplacesTheFileAndLeavesNoTemporary) {
  const auto path = folder_ / "report.json";
  std::ofstream(path) << "old";
  write_atomically(path, "{\"new\":true}\n");
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "{\"new\":true}\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(folder_), {}), 1);
}

TEST_F(WriteAtomically, FailsWithTheStepWhenTheFolderIsMissing) {
  EXPECT_THROW(write_atomically(folder_ / "missing" / "report.json", "{}"),
               std::system_error);
}

TEST(ProbeResult, LastLineIsTheResultAndCountsProgressLines) {
  ProbeResult result;
  result.lines = {{{"spinning", true}}, {{"sigxcpu", 1}}, {{"sigxcpu", 2}}};
  EXPECT_EQ(result.count("sigxcpu"), 2);
  EXPECT_EQ(result.last(), (nlohmann::json{{"sigxcpu", 2}}));
}

TEST(ProbeResult, TroubleNamesASetupErrorATimeoutAndAFailedStart) {
  ProbeResult setup;
  setup.lines = {{{"setup_error", "setrlimit nice: EPERM"}}};
  EXPECT_NE(setup.trouble().find("setrlimit nice: EPERM"), std::string::npos);
  ProbeResult late;
  late.timed_out = true;
  late.status.status = 9;  // killed by SIGKILL, as wait4 stores it
  EXPECT_NE(late.trouble().find("timed out"), std::string::npos);
  ProbeResult never;
  never.spawn_error = "no such file";
  EXPECT_FALSE(never.ran());
  EXPECT_NE(never.trouble().find("no such file"), std::string::npos);
  ProbeResult fine;
  fine.lines = {{{"opened", 12}}};
  EXPECT_EQ(fine.trouble(), "");
}

}  // namespace
}  // namespace conformance
