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
    detail::throw_error(detail::Call::setrlimit, ec,
                        "raising the soft RLIMIT_NOFILE to the hard limit");
  }
  return limits;
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
