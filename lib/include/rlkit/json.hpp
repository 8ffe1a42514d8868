// JSON conversion, both ways, for every public value type, through
// nlohmann_json's to_json/from_json customisation points.
//
// Limits use the string "unlimited" for rlkit::infinity so that a reader
// need not know the platform's RLIM_INFINITY; CPU times are integers in
// microseconds so that nothing is rounded.
#pragma once

#include <nlohmann/json.hpp>

#include "rlkit/child.hpp"
#include "rlkit/limits.hpp"
#include "rlkit/platform.hpp"
#include "rlkit/proc_limits.hpp"
#include "rlkit/resource.hpp"
#include "rlkit/usage.hpp"

namespace rlkit {

// Malformed input throws nlohmann::json::exception (type_error,
// out_of_range), or std::invalid_argument for an unknown name.
void to_json(nlohmann::json& j, Resource resource);
void from_json(const nlohmann::json& j, Resource& resource);
void to_json(nlohmann::json& j, Unit unit);
void from_json(const nlohmann::json& j, Unit& unit);
void to_json(nlohmann::json& j, const ResourceInfo& info);
void from_json(const nlohmann::json& j, ResourceInfo& info);
void to_json(nlohmann::json& j, const Limits& limits);
void from_json(const nlohmann::json& j, Limits& limits);
void to_json(nlohmann::json& j, const ResourceLimits& limits);
void from_json(const nlohmann::json& j, ResourceLimits& limits);
void to_json(nlohmann::json& j, Who who);
void from_json(const nlohmann::json& j, Who& who);
void to_json(nlohmann::json& j, const Usage& usage);
void from_json(const nlohmann::json& j, Usage& usage);
void to_json(nlohmann::json& j, const ChildStatus& status);
void from_json(const nlohmann::json& j, ChildStatus& status);
void to_json(nlohmann::json& j, const Capabilities& caps);
void from_json(const nlohmann::json& j, Capabilities& caps);
void to_json(nlohmann::json& j, const Virtualization& virt);
void from_json(const nlohmann::json& j, Virtualization& virt);
void to_json(nlohmann::json& j, const Platform& platform);
void from_json(const nlohmann::json& j, Platform& platform);

// A limit value alone: a number, or "unlimited".
nlohmann::json limit_to_json(std::uint64_t value);
std::uint64_t limit_from_json(const nlohmann::json& j);

}  // namespace rlkit
