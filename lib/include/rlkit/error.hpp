// The exceptions rlkit throws, one per error case of Python's resource
// module, all carrying the errno they came from.
//
//   Python                         rlkit
//   ValueError (bad resource/who)  std::invalid_argument
//   ValueError (soft > hard,       rlkit::limit_error (a std::system_error:
//     raising the hard limit)        EINVAL, EPERM)
//   OverflowError                  std::overflow_error
//   ProcessLookupError (ESRCH)     rlkit::no_such_process
//   PermissionError (EPERM)        rlkit::permission_denied
//   OSError (anything else)        std::system_error
#pragma once

#include <string>
#include <system_error>

namespace rlkit {

// setrlimit or prlimit refused the new limits themselves: the soft limit
// exceeds the hard one (EINVAL), or the hard limit may not be raised without
// CAP_SYS_RESOURCE (EPERM). code() tells which.
class limit_error : public std::system_error {
 public:
  using std::system_error::system_error;
};

// The process named by a pid does not exist (ESRCH).
class no_such_process : public std::system_error {
 public:
  using std::system_error::system_error;
};

// The caller may not read or change another process's limits (EPERM).
class permission_denied : public std::system_error {
 public:
  using std::system_error::system_error;
};

}  // namespace rlkit
