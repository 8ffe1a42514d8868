#pragma once

#include <stdexcept>
#include <string>

namespace rlkit::report {

// A problem with an input, an output or the schemas that the user can act
// on. The message already names the file and, where there is one, the place
// inside it; main() prints it as it is and exits with status 2.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace rlkit::report
