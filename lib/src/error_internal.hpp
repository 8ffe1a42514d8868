// The one place where an errno becomes an error_code and an error_code
// becomes one of the exceptions documented in rlkit/error.hpp.
#pragma once

#include <cerrno>
#include <string>
#include <system_error>

#include "rlkit/limits.hpp"

namespace rlkit::detail {

// Which call failed decides the exception: EPERM from setrlimit is a
// refused limit (Python's ValueError) but from prlimit it is a refused
// process (Python's PermissionError).

inline std::error_code errno_code() noexcept {
  return {errno, std::generic_category()};
}

[[noreturn]] void throw_error(Call call, std::error_code ec,
                              const std::string& what);

}  // namespace rlkit::detail
