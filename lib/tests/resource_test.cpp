#include "rlkit/resource.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

namespace {

struct Expected {
  int constant;
  const char* c_name;
  const char* name;
};

// Written from <sys/resource.h> and getrlimit(2), not from the library.
const Expected linux_resources[] = {
    {RLIMIT_CPU, "RLIMIT_CPU", "cpu"},
    {RLIMIT_FSIZE, "RLIMIT_FSIZE", "fsize"},
    {RLIMIT_DATA, "RLIMIT_DATA", "data"},
    {RLIMIT_STACK, "RLIMIT_STACK", "stack"},
    {RLIMIT_CORE, "RLIMIT_CORE", "core"},
    {RLIMIT_RSS, "RLIMIT_RSS", "rss"},
    {RLIMIT_NPROC, "RLIMIT_NPROC", "nproc"},
    {RLIMIT_NOFILE, "RLIMIT_NOFILE", "nofile"},
    {RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", "memlock"},
    {RLIMIT_AS, "RLIMIT_AS", "as"},
    {RLIMIT_LOCKS, "RLIMIT_LOCKS", "locks"},
    {RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING", "sigpending"},
    {RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE", "msgqueue"},
    {RLIMIT_NICE, "RLIMIT_NICE", "nice"},
    {RLIMIT_RTPRIO, "RLIMIT_RTPRIO", "rtprio"},
    {RLIMIT_RTTIME, "RLIMIT_RTTIME", "rttime"},
};

TEST(Resource, TableHasEveryLinuxResourceWithItsConstant) {
  ASSERT_EQ(rlkit::resources().size(), std::size(linux_resources));
  ASSERT_EQ(rlkit::resources().size(),
            static_cast<std::size_t>(static_cast<int>(RLIM_NLIMITS)));
  for (const auto& expected : linux_resources) {
    const auto resource = rlkit::resource_from_native(expected.constant);
    EXPECT_EQ(static_cast<int>(resource), expected.constant);
    EXPECT_EQ(rlkit::c_name(resource), expected.c_name);
    EXPECT_EQ(rlkit::name(resource), expected.name);
    EXPECT_FALSE(rlkit::info(resource).description.empty());
  }
}

TEST(Resource, UnitsFollowTheManPage) {
  EXPECT_EQ(rlkit::info(rlkit::Resource::cpu).unit, rlkit::Unit::seconds);
  EXPECT_EQ(rlkit::info(rlkit::Resource::rttime).unit,
            rlkit::Unit::microseconds);
  EXPECT_EQ(rlkit::info(rlkit::Resource::nofile).unit, rlkit::Unit::count);
  EXPECT_EQ(rlkit::info(rlkit::Resource::as).unit, rlkit::Unit::bytes);
  EXPECT_EQ(rlkit::info(rlkit::Resource::nice).unit, rlkit::Unit::nice_ceiling);
  EXPECT_EQ(rlkit::info(rlkit::Resource::rtprio).unit, rlkit::Unit::priority);
}

TEST(Resource, ParsesShortAndCNamesInAnyCase) {
  for (const auto& expected : linux_resources) {
    std::string upper = expected.name;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    std::string lower_c = expected.c_name;
    for (char& c : lower_c) c = static_cast<char>(std::tolower(c));
    for (const std::string& text : {std::string(expected.name), upper,
                                    std::string(expected.c_name), lower_c}) {
      EXPECT_EQ(static_cast<int>(rlkit::parse_resource(text)),
                expected.constant)
          << text;
    }
  }
}

TEST(Resource, BadNameErrorNamesTheInputAndTheValidNames) {
  try {
    rlkit::parse_resource("nofiles");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'nofiles'"), std::string::npos) << message;
    for (const auto& expected : linux_resources) {
      EXPECT_NE(message.find(expected.name), std::string::npos) << message;
    }
  }
  EXPECT_FALSE(rlkit::try_parse_resource(""));
  EXPECT_FALSE(rlkit::try_parse_resource("RLIMIT_"));
}

TEST(Resource, InvalidNativeNumberIsInvalidArgument) {
  // Python: resource.getrlimit(-1) and getrlimit(RLIM_NLIMITS) raise
  // ValueError; the kernel answers EINVAL for both.
  for (int value : {-1, static_cast<int>(RLIM_NLIMITS), 1000}) {
    EXPECT_THROW(rlkit::resource_from_native(value), std::invalid_argument);
    struct rlimit raw {};
    errno = 0;
    EXPECT_EQ(::getrlimit(value, &raw), -1);
    EXPECT_EQ(errno, EINVAL);
  }
}

TEST(Resource, NamesAreUnique) {
  std::set<std::string_view> names;
  for (const auto& row : rlkit::resources()) names.insert(row.name);
  EXPECT_EQ(names.size(), rlkit::resources().size());
}

}  // namespace
