#include <stdexcept>

#include "error_internal.hpp"
#include "rlkit/error.hpp"
#include "rlkit/usage.hpp"

namespace rlkit::detail {
namespace {

// A value cast from a bad int has no name; the number still helps.
std::string resource_text(int value) {
  for (const auto& row : resources()) {
    if (static_cast<int>(row.resource) == value) return std::string(row.c_name);
  }
  return "resource " + std::to_string(value);
}

std::string who_text(int value) {
  try {
    return std::string(name(who_from_native(value)));
  } catch (const std::invalid_argument&) {
    return "who " + std::to_string(value);
  }
}

}  // namespace

void throw_error(Call call, std::error_code ec, const std::string& what) {
  if (ec == std::errc::value_too_large) {
    throw std::overflow_error(what + ": " + ec.message());
  }
  if (ec == std::errc::invalid_argument &&
      (call == Call::setrlimit || call == Call::prlimit_set)) {
    throw limit_error(ec, what + ": soft limit exceeds hard limit");
  }
  if (ec == std::errc::operation_not_permitted && call == Call::setrlimit) {
    throw limit_error(ec, what +
                              ": raising a hard limit needs "
                              "CAP_SYS_RESOURCE");
  }
  if (ec == std::errc::operation_not_permitted &&
      (call == Call::prlimit_get || call == Call::prlimit_set)) {
    throw permission_denied(ec, what);
  }
  if (ec == std::errc::no_such_process) throw no_such_process(ec, what);
  throw std::system_error(ec, what);
}

void throw_call_error(Call call, int error, int argument, pid_t pid) {
  std::string what;
  switch (call) {
    case Call::getrlimit:
    case Call::setrlimit:
      what = std::string(call == Call::getrlimit ? "getrlimit" : "setrlimit") +
             "(" + resource_text(argument) + ")";
      break;
    case Call::prlimit_get:
    case Call::prlimit_set:
      what = "prlimit(" + std::to_string(pid) + ", " + resource_text(argument) +
             ")";
      break;
    case Call::getrusage:
      what = "getrusage(" + who_text(argument) + ")";
      break;
    case Call::other:
      what = "call with argument " + std::to_string(argument);
      break;
  }
  throw_error(call, {error, std::generic_category()}, what);
}

}  // namespace rlkit::detail
