#include "mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace rlkit::report {

MannWhitney mann_whitney_u(std::span<const double> x,
                           std::span<const double> y) {
  const double n1 = static_cast<double>(x.size());
  const double n2 = static_cast<double>(y.size());
  if (x.empty() || y.empty()) return {};

  // Values tagged with their sample, ranked together; tied values share the
  // mean of the ranks they span.
  std::vector<std::pair<double, bool>> all;
  for (double v : x) all.emplace_back(v, true);
  for (double v : y) all.emplace_back(v, false);
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  double rank_sum_x = 0;
  double tie_term = 0;  // sum of t^3 - t over groups of t tied values
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    double t = static_cast<double>(j - i);
    double mean_rank =
        (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k) {
      if (all[k].second) rank_sum_x += mean_rank;
    }
    tie_term += t * t * t - t;
    i = j;
  }
  double u1 = rank_sum_x - n1 * (n1 + 1) / 2;
  double u = std::max(u1, n1 * n2 - u1);

  double n = n1 + n2;
  double variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0) return {u, 1.0};
  double z = (u - n1 * n2 / 2 - 0.5) / std::sqrt(variance);
  // Two-sided: twice the upper tail of the standard normal at z.
  double p = std::erfc(z / std::sqrt(2.0));
  return {u, std::clamp(p, 0.0, 1.0)};
}

}  // namespace rlkit::report
