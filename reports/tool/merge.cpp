#include "merge.hpp"

#include <ctime>
#include <regex>

#include "benchmark_figures.hpp"

namespace rlkit::report {
namespace {

using nlohmann::json;

std::string id_part(const std::string& text) {
  std::string out;
  for (char c : text) {
    char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool allowed = (lower >= 'a' && lower <= 'z') ||
                   (lower >= '0' && lower <= '9') || lower == '.' ||
                   lower == '-' || lower == '_';
    out += allowed ? lower : '-';
  }
  return out.empty() ? "unknown" : out;
}

// "6.18.44-fc-v1147" -> "6.18.44": the rest is a vendor's build tag that
// would split one kernel version into many platforms.
std::string leading_version(const std::string& release) {
  static const std::regex version("^[0-9]+(\\.[0-9]+)*");
  std::smatch match;
  if (std::regex_search(release, match, version)) return match.str();
  return release;
}

std::string basename(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string platform_id(const json& platform, const json& run) {
  std::string id =
      id_part(platform.at("os").get<std::string>()) + "-" +
      id_part(
          leading_version(platform.at("kernel_release").get<std::string>())) +
      "-" + id_part(platform.at("architecture").get<std::string>());
  const json& launcher = run.at("launcher");
  if (!launcher.empty()) {
    id += "-" + id_part(basename(launcher[0].get<std::string>()));
  }
  return id + "-" + id_part(run.at("privilege").get<std::string>());
}

json build_platform_report(const json& conformance, const json& benchmarks,
                           const std::string& generated) {
  json report;
  report["schema"] = {{"name", "rlkit-platform-report"}, {"version", 1}};
  report["id"] = platform_id(conformance["platform"], conformance["run"]);
  report["generated"] = generated;
  report["platform"] = conformance["platform"];
  report["harness_platform"] = conformance["harness_platform"];
  report["run"] = conformance["run"];
  report["conformance"] = {{"checks", conformance["checks"]},
                           {"summary", conformance["summary"]}};
  report["benchmarks"] = benchmarks;
  report["derived"] = derive_figures(conformance["checks"], benchmarks);
  return report;
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace rlkit::report
