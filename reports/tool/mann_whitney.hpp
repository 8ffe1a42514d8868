#pragma once

#include <span>

namespace rlkit::report {

struct MannWhitney {
  double u = 0;  // the larger of U1 and U2
  double p_value = 1;
};

// Two-sided Mann-Whitney U test by the normal approximation with the tie
// correction and the continuity correction. This is what scipy's
// mannwhitneyu (the test Google Benchmark's tools/compare.py runs) computes
// with method="asymptotic", and what its default method="auto" picks
// whenever a sample has 8 or more values or there are ties; rlkit tests
// only samples of 9 or more, so no exact small-sample method is needed.
// When every value is the same the samples cannot differ and p is 1.
MannWhitney mann_whitney_u(std::span<const double> x,
                           std::span<const double> y);

}  // namespace rlkit::report
