#include "rlkit/json.hpp"

#include <stdexcept>
#include <string>

namespace rlkit {

using nlohmann::json;

void to_json(json& j, Resource resource) { j = name(resource); }

void from_json(const json& j, Resource& resource) {
  resource = parse_resource(j.get<std::string>());
}

void to_json(json& j, Unit unit) { j = name(unit); }

void from_json(const json& j, Unit& unit) {
  const auto text = j.get<std::string>();
  for (Unit candidate : {Unit::bytes, Unit::seconds, Unit::microseconds,
                         Unit::count, Unit::nice_ceiling, Unit::priority}) {
    if (name(candidate) == text) {
      unit = candidate;
      return;
    }
  }
  throw std::invalid_argument("invalid unit '" + text +
                              "': expected bytes, seconds, microseconds, "
                              "count, nice-ceiling or priority");
}

void to_json(json& j, const ResourceInfo& info) {
  j = json{{"resource", info.resource},
           {"c_name", info.c_name},
           {"name", info.name},
           {"description", info.description},
           {"unit", info.unit}};
}

// The table's string_views must point at static storage, so reading one
// back means finding the row it names.
void from_json(const json& j, ResourceInfo& info) {
  info = rlkit::info(j.at("name").get<Resource>());
}

json limit_to_json(std::uint64_t value) {
  return value == infinity ? json("unlimited") : json(value);
}

std::uint64_t limit_from_json(const json& j) {
  if (j.is_string()) return parse_limit(j.get<std::string>());
  if (j.is_number_unsigned()) return j.get<std::uint64_t>();
  if (j.is_number_integer()) {
    throw std::overflow_error("limit " + j.dump() +
                              " is negative: expected a non-negative "
                              "integer or \"unlimited\"");
  }
  if (j.is_number_float()) {
    throw std::overflow_error("limit " + j.dump() +
                              " is not an integer this platform can "
                              "represent");
  }
  throw std::invalid_argument("invalid limit " + j.dump() +
                              ": expected a non-negative integer or "
                              "\"unlimited\"");
}

void to_json(json& j, const Limits& limits) {
  j = json{{"soft", limit_to_json(limits.soft)},
           {"hard", limit_to_json(limits.hard)}};
}

void from_json(const json& j, Limits& limits) {
  limits.soft = limit_from_json(j.at("soft"));
  limits.hard = limit_from_json(j.at("hard"));
}

void to_json(json& j, const ResourceLimits& limits) {
  j = json{{"resource", limits.resource}, {"limits", limits.limits}};
}

void from_json(const json& j, ResourceLimits& limits) {
  limits.resource = j.at("resource").get<Resource>();
  limits.limits = j.at("limits").get<Limits>();
}

void to_json(json& j, Who who) { j = name(who); }

void from_json(const json& j, Who& who) {
  who = parse_who(j.get<std::string>());
}

// Every field under its short name; CPU times as exact microseconds, and
// maxrss both raw and in bytes.
void to_json(json& j, const Usage& usage) {
  j = json::object();
  for (const auto& field : usage_fields()) {
    j[std::string(field.name)] = field.get(usage);
  }
  j["maxrss_bytes"] = usage.maxrss_bytes();
}

void from_json(const json& j, Usage& usage) {
  usage.user_time =
      std::chrono::microseconds(j.at("utime").get<std::int64_t>());
  usage.system_time =
      std::chrono::microseconds(j.at("stime").get<std::int64_t>());
  j.at("maxrss").get_to(usage.maxrss);
  j.at("ixrss").get_to(usage.ixrss);
  j.at("idrss").get_to(usage.idrss);
  j.at("isrss").get_to(usage.isrss);
  j.at("minflt").get_to(usage.minflt);
  j.at("majflt").get_to(usage.majflt);
  j.at("nswap").get_to(usage.nswap);
  j.at("inblock").get_to(usage.inblock);
  j.at("oublock").get_to(usage.oublock);
  j.at("msgsnd").get_to(usage.msgsnd);
  j.at("msgrcv").get_to(usage.msgrcv);
  j.at("nsignals").get_to(usage.nsignals);
  j.at("nvcsw").get_to(usage.nvcsw);
  j.at("nivcsw").get_to(usage.nivcsw);
}

void to_json(json& j, const ChildStatus& status) {
  j = json{{"pid", status.pid},
           {"status", status.status},
           {"description", status.describe()},
           {"exit_code", status.exited() ? json(status.exit_code()) : json()},
           {"signal",
            status.signaled() ? json(signal_name(status.signal())) : json()},
           {"core_dumped", status.core_dumped()},
           {"usage", status.usage}};
}

// The raw status alone decides every derived field, so only it is read.
void from_json(const json& j, ChildStatus& status) {
  j.at("pid").get_to(status.pid);
  j.at("status").get_to(status.status);
  j.at("usage").get_to(status.usage);
}

void to_json(json& j, const Capabilities& caps) {
  j = json{{"effective", caps.hex()}, {"names", caps.names()}};
}

void from_json(const json& j, Capabilities& caps) {
  const auto text = j.at("effective").get<std::string>();
  std::size_t used = 0;
  try {
    caps.mask = std::stoull(text, &used, 16);
  } catch (const std::logic_error&) {
    used = 0;
  }
  if (used != text.size() || text.empty()) {
    throw std::invalid_argument("invalid capability mask '" + text +
                                "': expected hexadecimal digits");
  }
}

namespace {

json optional_string(const std::optional<std::string>& value) {
  return value ? json(*value) : json();
}

std::optional<std::string> optional_string(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::string>();
}

}  // namespace

void to_json(json& j, const Virtualization& virt) {
  j = json{{"hypervisor", optional_string(virt.hypervisor)},
           {"container", optional_string(virt.container)}};
}

void from_json(const json& j, Virtualization& virt) {
  virt.hypervisor = optional_string(j.at("hypervisor"));
  virt.container = optional_string(j.at("container"));
}

void to_json(json& j, const Platform& p) {
  j = json{{"os", p.os},
           {"kernel_release", p.kernel_release},
           {"kernel_version", p.kernel_version},
           {"architecture", p.architecture},
           {"pointer_bits", p.pointer_bits},
           {"libc", p.libc},
           {"libc_version", p.libc_version},
           {"compiler", p.compiler},
           {"cpu_model", p.cpu_model},
           {"cpu_count", p.cpu_count},
           {"page_size", p.page_size},
           {"virtualization", p.virtualization},
           {"mitigations", p.mitigations},
           {"clocksource", optional_string(p.clocksource)},
           {"hostname", p.hostname},
           {"uid", p.uid},
           {"euid", p.euid},
           {"capabilities", p.capabilities},
           {"rlim_infinity", p.rlim_infinity}};
}

void from_json(const json& j, Platform& p) {
  j.at("os").get_to(p.os);
  j.at("kernel_release").get_to(p.kernel_release);
  j.at("kernel_version").get_to(p.kernel_version);
  j.at("architecture").get_to(p.architecture);
  j.at("pointer_bits").get_to(p.pointer_bits);
  j.at("libc").get_to(p.libc);
  j.at("libc_version").get_to(p.libc_version);
  j.at("compiler").get_to(p.compiler);
  j.at("cpu_model").get_to(p.cpu_model);
  j.at("cpu_count").get_to(p.cpu_count);
  j.at("page_size").get_to(p.page_size);
  j.at("virtualization").get_to(p.virtualization);
  j.at("mitigations").get_to(p.mitigations);
  p.clocksource = optional_string(j.at("clocksource"));
  j.at("hostname").get_to(p.hostname);
  j.at("uid").get_to(p.uid);
  j.at("euid").get_to(p.euid);
  j.at("capabilities").get_to(p.capabilities);
  j.at("rlim_infinity").get_to(p.rlim_infinity);
}

}  // namespace rlkit
