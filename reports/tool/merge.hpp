#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "schema_validator.hpp"

namespace rlkit::report {

// The platform id: "<os>-<leading dotted kernel version>-<architecture>
// [-<launcher basename>]-<privilege>", lower-case, with every character
// outside [a-z0-9._-] replaced by '-'. The underscore stays so that
// architectures keep their usual names ("x86_64"). `platform` is a platform
// object and `run` a conformance run object.
std::string platform_id(const nlohmann::json& platform,
                        const nlohmann::json& run);

// Builds a platform report from a validated conformance report and an
// optional (null) validated benchmark report. `generated` is the UTC time
// stamp to record.
nlohmann::json build_platform_report(const nlohmann::json& conformance,
                                     const nlohmann::json& benchmarks,
                                     const std::string& generated);

// The current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now();

}  // namespace rlkit::report
