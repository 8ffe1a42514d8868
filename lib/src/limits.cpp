#include "rlkit/limits.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <limits>
#include <stdexcept>

#include "error_internal.hpp"

namespace rlkit {
namespace {

using detail::Call;

// rlim_t is narrower than 64 bits on 32-bit builds without 64-bit file
// offsets; a value that does not fit must fail rather than wrap.
bool to_native(const Limits& limits, struct rlimit& raw) noexcept {
  constexpr auto max = std::numeric_limits<rlim_t>::max();
  for (auto [in, out] : {std::pair{limits.soft, &raw.rlim_cur},
                         std::pair{limits.hard, &raw.rlim_max}}) {
    if (in == infinity) {
      *out = RLIM_INFINITY;
    } else if (in > max) {
      return false;
    } else {
      *out = static_cast<rlim_t>(in);
    }
  }
  return true;
}

Limits from_native(const struct rlimit& raw) noexcept {
  return {static_cast<std::uint64_t>(raw.rlim_cur),
          static_cast<std::uint64_t>(raw.rlim_max)};
}

std::string describe(std::string_view call, Resource resource) {
  return std::string(call) + "(" + std::string(c_name(resource)) + ")";
}

std::string describe(std::string_view call, pid_t pid, Resource resource) {
  return std::string(call) + "(" + std::to_string(pid) + ", " +
         std::string(c_name(resource)) + ")";
}

}  // namespace

Limits getrlimit(Resource resource, std::error_code& ec) noexcept {
  struct rlimit raw {};
  if (::getrlimit(static_cast<int>(resource), &raw) != 0) {
    ec = detail::errno_code();
    return {};
  }
  ec.clear();
  return from_native(raw);
}

Limits getrlimit(Resource resource) {
  std::error_code ec;
  const Limits limits = getrlimit(resource, ec);
  if (ec)
    detail::throw_error(Call::getrlimit, ec, describe("getrlimit", resource));
  return limits;
}

void setrlimit(Resource resource, const Limits& limits,
               std::error_code& ec) noexcept {
  struct rlimit raw {};
  if (!to_native(limits, raw)) {
    ec = std::make_error_code(std::errc::value_too_large);
    return;
  }
  if (::setrlimit(static_cast<int>(resource), &raw) != 0) {
    ec = detail::errno_code();
    return;
  }
  ec.clear();
}

void setrlimit(Resource resource, const Limits& limits) {
  std::error_code ec;
  setrlimit(resource, limits, ec);
  if (ec)
    detail::throw_error(Call::setrlimit, ec, describe("setrlimit", resource));
}

#ifdef RLKIT_HAS_PRLIMIT
Limits prlimit(pid_t pid, Resource resource, std::error_code& ec) noexcept {
  struct rlimit old {};
  if (::prlimit(pid, static_cast<__rlimit_resource>(resource), nullptr, &old) !=
      0) {
    ec = detail::errno_code();
    return {};
  }
  ec.clear();
  return from_native(old);
}

Limits prlimit(pid_t pid, Resource resource) {
  std::error_code ec;
  const Limits limits = prlimit(pid, resource, ec);
  if (ec) {
    detail::throw_error(Call::prlimit_get, ec,
                        describe("prlimit", pid, resource));
  }
  return limits;
}

Limits prlimit(pid_t pid, Resource resource, const Limits& new_limits,
               std::error_code& ec) noexcept {
  struct rlimit raw {};
  if (!to_native(new_limits, raw)) {
    ec = std::make_error_code(std::errc::value_too_large);
    return {};
  }
  struct rlimit old {};
  if (::prlimit(pid, static_cast<__rlimit_resource>(resource), &raw, &old) !=
      0) {
    ec = detail::errno_code();
    return {};
  }
  ec.clear();
  return from_native(old);
}

Limits prlimit(pid_t pid, Resource resource, const Limits& new_limits) {
  std::error_code ec;
  const Limits old = prlimit(pid, resource, new_limits, ec);
  if (ec) {
    detail::throw_error(Call::prlimit_set, ec,
                        describe("prlimit", pid, resource));
  }
  return old;
}
#endif

Limits raise_nofile_limit(std::error_code& ec) noexcept {
  Limits limits = getrlimit(Resource::nofile, ec);
  if (ec) return {};
  std::uint64_t target = limits.hard;
#if defined(__APPLE__) && defined(OPEN_MAX)
  // macOS reports an unlimited hard limit but refuses a soft one above
  // OPEN_MAX.
  target = std::min<std::uint64_t>(target, OPEN_MAX);
#endif
  if (limits.soft == target) return limits;
  limits.soft = target;
  setrlimit(Resource::nofile, limits, ec);
  if (ec) return {};
  return limits;
}

Limits raise_nofile_limit() {
  std::error_code ec;
  const Limits limits = raise_nofile_limit(ec);
  if (ec) {
    detail::throw_error(Call::setrlimit, ec,
                        "raising the soft RLIMIT_NOFILE to the hard limit");
  }
  return limits;
}

std::size_t getpagesize() noexcept {
  return static_cast<std::size_t>(::getpagesize());
}

std::string format_limit(std::uint64_t value) {
  return value == infinity ? "unlimited" : std::to_string(value);
}

std::uint64_t parse_limit(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  if (lower == "unlimited" || lower == "infinity") return infinity;
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error == std::errc::result_out_of_range ||
      (error == std::errc{} && ptr == end &&
       value > std::numeric_limits<rlim_t>::max())) {
    throw std::overflow_error("limit '" + std::string(text) +
                              "' does not fit in this platform's rlim_t");
  }
  if (error != std::errc{} || ptr != end || text.empty()) {
    throw std::invalid_argument("invalid limit '" + std::string(text) +
                                "': expected a non-negative integer or "
                                "'unlimited'");
  }
  return value;
}

}  // namespace rlkit
