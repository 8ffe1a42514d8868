// A scoped meter for code that is not a Google Benchmark: sample usage and
// wall time at start, again at stop, and keep the difference.
#pragma once

#include <chrono>

#include "rlkit/usage.hpp"

namespace rlkit {

struct Measurement {
  std::chrono::nanoseconds wall{0};
  Usage usage;  // a difference: see rlkit::difference
};

class Meter {
 public:
  // RUSAGE_THREAD is the cheapest correct source for single-threaded code;
  // pass Who::self when the measured code runs threads of its own.
#ifdef RUSAGE_THREAD
  explicit Meter(Who who = Who::thread) : who_(who) { start(); }
#else
  explicit Meter(Who who = Who::self) : who_(who) { start(); }
#endif

  void start() {
    before_ = rlkit::getrusage(who_);
    started_ = std::chrono::steady_clock::now();
  }

  // Can be called more than once; each call measures from the last start().
  Measurement stop() const {
    const auto stopped = std::chrono::steady_clock::now();
    const Usage after = rlkit::getrusage(who_);
    return {stopped - started_, difference(before_, after)};
  }

  Who who() const noexcept { return who_; }

 private:
  Who who_;
  Usage before_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace rlkit
