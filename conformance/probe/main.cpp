// rlkit-probe: a small child program for the conformance harness. It becomes
// another user if asked, sets limits through rlkit, performs one action and
// reports what it saw as one JSON object per line on stdout. The last line is
// its result; actions that may die by a signal write progress lines first.
//
//   rlkit-probe ACTION [--raise RES=SOFT[:HARD]]... [--become UID:GID]
//               [--limit RES=SOFT[:HARD]]... [--param KEY=VALUE]...
//
// In that order: --raise sets limits while still privileged (raising a hard
// limit needs CAP_SYS_RESOURCE, which becoming another user drops), then the
// probe becomes the user, then sets the --limit ones.
//
// Exit status: 0 after an action ran (whatever it observed), 2 for a bad
// command line, 3 when becoming the user or setting a limit failed.
#include <getopt.h>
#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "probe.hpp"
#include "rlkit/json.hpp"
#include "rlkit/limits.hpp"
#include "rlkit/resource.hpp"

namespace {

struct LimitRequest {
  rlkit::Resource resource;
  std::string soft;
  std::string hard;  // empty: keep the current hard limit
};

struct CommandLine {
  probe::Request request;
  std::string become;
  std::vector<LimitRequest> raises;
  std::vector<LimitRequest> limits;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr,
               "rlkit-probe: %s\nusage: rlkit-probe ACTION "
               "[--raise RES=SOFT[:HARD]]... [--become UID:GID] "
               "[--limit RES=SOFT[:HARD]]... [--param KEY=VALUE]...\n",
               message.c_str());
  std::exit(2);
}

std::pair<std::string, std::string> split(const std::string& text, char sep) {
  const auto at = text.find(sep);
  if (at == std::string::npos) return {text, ""};
  return {text.substr(0, at), text.substr(at + 1)};
}

CommandLine parse(int argc, char** argv) {
  static const option options[] = {{"become", required_argument, nullptr, 'b'},
                                   {"limit", required_argument, nullptr, 'l'},
                                   {"raise", required_argument, nullptr, 'r'},
                                   {"param", required_argument, nullptr, 'p'},
                                   {nullptr, 0, nullptr, 0}};
  CommandLine line;
  line.request.self = argv[0];
  int option;
  // GNU getopt permutes, so the action may come before or after the options.
  while ((option = getopt_long(argc, argv, "", options, nullptr)) != -1) {
    switch (option) {
      case 'b':
        line.become = optarg;
        break;
      case 'l':
      case 'r': {
        auto [name, value] = split(optarg, '=');
        auto resource = rlkit::try_parse_resource(name);
        if (!resource || value.empty()) usage_error("bad limit " + name);
        auto [soft, hard] = split(value, ':');
        (option == 'l' ? line.limits : line.raises)
            .push_back({*resource, soft, hard});
        break;
      }
      case 'p': {
        auto [key, value] = split(optarg, '=');
        line.request.params[key] = value;
        break;
      }
      default:
        usage_error("unknown option");
    }
  }
  if (optind != argc - 1) usage_error("expected exactly one ACTION");
  line.request.action = argv[optind];
  return line;
}

[[noreturn]] void setup_failed(const std::string& what, int error) {
  probe::emit({{"setup_error", what + ": " + probe::errno_text(error)}});
  std::exit(3);
}

// setgroups first: once the uid changes, the supplementary groups can no
// longer be dropped.
void become(const std::string& spec) {
  auto [uid_text, gid_text] = split(spec, ':');
  char* end = nullptr;
  const unsigned long uid = std::strtoul(uid_text.c_str(), &end, 10);
  const unsigned long gid =
      gid_text.empty() ? uid : std::strtoul(gid_text.c_str(), &end, 10);
  if (::setgroups(0, nullptr) != 0) setup_failed("setgroups", errno);
  if (::setgid(static_cast<gid_t>(gid)) != 0) setup_failed("setgid", errno);
  if (::setuid(static_cast<uid_t>(uid)) != 0) setup_failed("setuid", errno);
}

void apply(const LimitRequest& limit) {
  const std::string what =
      "setrlimit " + std::string(rlkit::name(limit.resource));
  try {
    rlkit::Limits wanted = rlkit::getrlimit(limit.resource);
    wanted.soft = rlkit::parse_limit(limit.soft);
    if (!limit.hard.empty()) wanted.hard = rlkit::parse_limit(limit.hard);
    rlkit::setrlimit(limit.resource, wanted);
  } catch (const std::system_error& e) {
    setup_failed(what, e.code().value());
  } catch (const std::exception& e) {
    probe::emit({{"setup_error", what + ": " + e.what()}});
    std::exit(3);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine line = parse(argc, argv);
  for (const auto& limit : line.raises) apply(limit);
  if (!line.become.empty()) become(line.become);
  for (const auto& limit : line.limits) apply(limit);
  try {
    probe::emit(probe::run_action(line.request));
  } catch (const std::exception& e) {
    probe::emit({{"error", e.what()}});
    return 1;
  }
  return 0;
}
