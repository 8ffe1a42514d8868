#include <stdexcept>

#include "error_internal.hpp"
#include "rlkit/error.hpp"

namespace rlkit::detail {

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

}  // namespace rlkit::detail
