// rlkit-show: the platform this runs on and every resource limit of a
// process, as a table for people or as JSON for programs.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rlkit/error.hpp"
#include "rlkit/json.hpp"
#include "rlkit/limits.hpp"
#include "rlkit/platform.hpp"
#include "rlkit/proc_limits.hpp"

namespace {

std::vector<rlkit::ResourceLimits> limits_of(pid_t pid, bool& from_proc) {
  from_proc = false;
  std::vector<rlkit::ResourceLimits> rows;
  for (const auto& info : rlkit::resources()) {
    std::error_code ec;
    const auto limits = rlkit::prlimit(pid, info.resource, ec);
    if (ec == std::errc::operation_not_permitted) {
      // prlimit on another user's process needs CAP_SYS_RESOURCE, but
      // /proc/PID/limits is readable by anyone.
      from_proc = true;
      return rlkit::read_proc_limits(pid);
    }
    if (ec) {
      throw std::system_error(ec, "prlimit(" + std::to_string(pid) + ", " +
                                      std::string(info.c_name) + ")");
    }
    rows.push_back({info.resource, limits});
  }
  return rows;
}

void print_platform(const rlkit::Platform& p) {
  const auto line = [](const char* label, const std::string& value) {
    std::cout << "  " << std::left << std::setw(16) << label << value << '\n';
  };
  std::cout << "Platform\n";
  line("os", p.os + " " + p.kernel_release);
  line("architecture",
       p.architecture + " (" + std::to_string(p.pointer_bits) + "-bit build)");
  line("libc", p.libc + " " + p.libc_version);
  line("compiler", p.compiler);
  line("cpu", p.cpu_model + " x" + std::to_string(p.cpu_count));
  line("page size", std::to_string(p.page_size));
  line("hypervisor", p.virtualization.hypervisor.value_or("none"));
  line("container", p.virtualization.container.value_or("none"));
  line("clocksource", p.clocksource.value_or("unknown"));
  line("user",
       "uid " + std::to_string(p.uid) + ", euid " + std::to_string(p.euid));
  // Most processes hold all or none; naming what is missing reads better.
  const auto held = p.capabilities.names();
  const rlkit::Capabilities everything{(std::uint64_t{1} << 41) - 1};
  std::string caps;
  if (held.size() > everything.names().size() / 2) {
    for (const auto& name : everything.names()) {
      if (std::find(held.begin(), held.end(), name) == held.end()) {
        caps += " " + name;
      }
    }
    caps = caps.empty() ? " (all)" : " (all but" + caps + ")";
  } else {
    for (const auto& name : held) caps += " " + name;
  }
  line("capabilities", p.capabilities.hex() + caps);
  std::size_t vulnerable = 0;
  for (const auto& [name, state] : p.mitigations) {
    if (state.rfind("Vulnerable", 0) == 0) ++vulnerable;
  }
  line("mitigations", std::to_string(p.mitigations.size()) + " listed, " +
                          std::to_string(vulnerable) + " vulnerable");
}

void print_limits(const std::vector<rlkit::ResourceLimits>& rows) {
  std::size_t description_width = 11;
  for (const auto& row : rows) {
    description_width = std::max(description_width,
                                 rlkit::info(row.resource).description.size());
  }
  std::cout << std::left << std::setw(12) << "resource"
            << std::setw(static_cast<int>(description_width) + 2)
            << "description" << std::right << std::setw(21) << "soft"
            << std::setw(21) << "hard"
            << "  unit\n";
  for (const auto& row : rows) {
    const auto& info = rlkit::info(row.resource);
    std::cout << std::left << std::setw(12) << info.name
              << std::setw(static_cast<int>(description_width) + 2)
              << info.description << std::right << std::setw(21)
              << rlkit::format_limit(row.limits.soft) << std::setw(21)
              << rlkit::format_limit(row.limits.hard) << "  "
              << rlkit::name(info.unit) << '\n';
  }
}

// Parses the options and prints; what it throws, main reports.
int run(int argc, char** argv) {
  CLI::App app{"Show the platform and the resource limits of a process."};
  pid_t pid = 0;
  bool json = false;
  app.add_option("--pid", pid,
                 "process whose limits to show (default: this one)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--json", json, "print JSON instead of tables");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  bool from_proc = false;
  const auto platform = rlkit::describe_platform();
  const auto rows = limits_of(pid, from_proc);
  if (json) {
    nlohmann::json out = {{"platform", platform},
                          {"pid", pid == 0 ? ::getpid() : pid},
                          {"limits", rows}};
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  print_platform(platform);
  std::cout << "\nLimits of process " << (pid == 0 ? ::getpid() : pid)
            << (from_proc ? " (from /proc, prlimit was refused)" : "") << "\n";
  print_limits(rows);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "rlkit-show: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "rlkit-show: unexpected error of unknown type\n";
  }
  return 1;
}
