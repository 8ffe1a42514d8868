#include "rlkit/json.hpp"

#include <sys/resource.h>

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using nlohmann::json;
using rlkit::Limits;
using rlkit::Resource;

template <typename T>
T round_trip(const T& value) {
  return json::parse(json(value).dump()).get<T>();
}

TEST(Json, LimitsUseUnlimitedForInfinity) {
  const json j = Limits{1024, rlkit::infinity};
  EXPECT_EQ(j, json::parse(R"({"soft": 1024, "hard": "unlimited"})"));
  EXPECT_EQ(round_trip(Limits{1024, rlkit::infinity}),
            (Limits{1024, rlkit::infinity}));
  EXPECT_EQ(round_trip(Limits{0, 0}), (Limits{0, 0}));
}

TEST(Json, BadLimitsAreRejected) {
  EXPECT_THROW(json::parse(R"({"soft": -1, "hard": 1})").get<Limits>(),
               std::overflow_error);
  EXPECT_THROW(json::parse(R"({"soft": 1.5, "hard": 1})").get<Limits>(),
               std::overflow_error);
  EXPECT_THROW(json::parse(R"({"soft": "lots", "hard": 1})").get<Limits>(),
               std::invalid_argument);
  EXPECT_THROW(json::parse(R"({"soft": 1})").get<Limits>(), json::exception);
}

TEST(Json, ResourcesAndInfo) {
  EXPECT_EQ(json(Resource::nofile), "nofile");
  EXPECT_EQ(json("RLIMIT_CPU").get<Resource>(), Resource::cpu);
  EXPECT_THROW(json("bogus").get<Resource>(), std::invalid_argument);
  for (const auto& row : rlkit::resources()) {
    const json j = row;
    EXPECT_EQ(j.at("c_name"), std::string(row.c_name));
    EXPECT_EQ(round_trip(row).resource, row.resource);
  }
  EXPECT_EQ(json(rlkit::Unit::nice_ceiling), "nice-ceiling");
  EXPECT_EQ(round_trip(rlkit::Unit::microseconds), rlkit::Unit::microseconds);
  const rlkit::ResourceLimits row{Resource::stack, {8388608, rlkit::infinity}};
  EXPECT_EQ(round_trip(row), row);
}

TEST(Json, UsageCarriesEveryRawFieldExactly) {
  struct rusage raw {};
  ASSERT_EQ(::getrusage(RUSAGE_SELF, &raw), 0);
  raw.ru_utime = {12, 345678};
  const auto usage = rlkit::Usage::from_native(raw);
  const json j = usage;
  EXPECT_EQ(j.at("utime"), 12345678);
  EXPECT_EQ(j.at("minflt"), raw.ru_minflt);
  EXPECT_EQ(j.at("nivcsw"), raw.ru_nivcsw);
  EXPECT_EQ(j.at("maxrss"), raw.ru_maxrss);
  EXPECT_EQ(j.at("maxrss_bytes"), raw.ru_maxrss * 1024);
  EXPECT_EQ(j.size(), 17u);
  EXPECT_EQ(round_trip(usage), usage);
  EXPECT_EQ(json(rlkit::Who::thread), "thread");
  EXPECT_EQ(round_trip(rlkit::Who::children), rlkit::Who::children);
}

TEST(Json, ChildStatus) {
  rlkit::ChildStatus status;
  status.pid = 42;
  status.status = 9;  // killed by SIGKILL, as the wait macros decode it
  status.usage.nvcsw = 3;
  const json j = status;
  EXPECT_EQ(j.at("signal"), "SIGKILL");
  EXPECT_TRUE(j.at("exit_code").is_null());
  const auto back = round_trip(status);
  EXPECT_EQ(back.pid, 42);
  EXPECT_EQ(back.signal(), 9);
  EXPECT_EQ(back.usage, status.usage);
}

TEST(Json, PlatformRoundTrips) {
  const auto platform = rlkit::describe_platform();
  const json j = platform;
  const auto back = j.get<rlkit::Platform>();
  EXPECT_EQ(json(back), j);
  EXPECT_EQ(j.at("capabilities").at("effective").get<std::string>().size(),
            16u);
  EXPECT_THROW(json::parse(R"({"effective": "xyz", "names": []})")
                   .get<rlkit::Capabilities>(),
               std::invalid_argument);
}

}  // namespace
