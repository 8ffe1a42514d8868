// The expected values come from outside this code: the U statistic of the
// textbook example is counted by hand from the ranks, and the p-values are
// the normal approximation worked out with a calculator (and, for the first
// case, the value scipy's documentation prints for
// mannwhitneyu(males, females, method="asymptotic")).
#include <vector>

#include <gtest/gtest.h>

#include "mann_whitney.hpp"

namespace rlkit::report {
namespace {

TEST(MannWhitney, TextbookExampleMatchesScipyAsymptotic) {
  // Ranks of the first sample among all nine: 3, 5, 7, 8, 9 -> R1 = 32,
  // U1 = 32 - 15 = 17, U2 = 20 - 17 = 3.
  std::vector<double> males = {19, 22, 16, 29, 24};
  std::vector<double> females = {20, 11, 17, 12};
  auto result = mann_whitney_u(males, females);
  EXPECT_DOUBLE_EQ(result.u, 17);
  // z = (17 - 10 - 0.5) / sqrt(5 * 4 * 10 / 12) = 1.5922.
  EXPECT_NEAR(result.p_value, 0.11134688653314041, 1e-12);
}

TEST(MannWhitney, SeparatedSamplesOfNine) {
  std::vector<double> low = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<double> high = {10, 11, 12, 13, 14, 15, 16, 17, 18};
  // U = 81, mean 40.5, variance 81 * 19 / 12 = 128.25,
  // z = 40 / 11.3248 = 3.5321, p = erfc(z / sqrt 2) = 4.1229e-4.
  auto result = mann_whitney_u(low, high);
  EXPECT_DOUBLE_EQ(result.u, 81);
  EXPECT_NEAR(result.p_value, 4.122948020616911e-4, 1e-12);
  // The test is two-sided: the order of the samples does not matter.
  EXPECT_NEAR(mann_whitney_u(high, low).p_value, result.p_value, 1e-15);
}

TEST(MannWhitney, TiesShareRanksAndShrinkTheVariance) {
  std::vector<double> x = {1, 2, 2, 3, 3, 3, 4, 5, 5};
  std::vector<double> y = {3, 4, 4, 5, 5, 6, 6, 7, 8};
  // Shared ranks: 1 -> 1, 2 -> 2.5, 3 -> 5.5, 4 -> 9, 5 -> 12.5, so
  // R1 = 1 + 5 + 16.5 + 9 + 25 = 56.5, U1 = 11.5 and U = 81 - 11.5 = 69.5.
  // Tie groups of 2, 4, 3, 4 and 2 give sum(t^3 - t) = 156, so the variance
  // is 81 / 12 * (19 - 156 / 306) = 124.81 and p = 0.0107393.
  auto result = mann_whitney_u(x, y);
  EXPECT_DOUBLE_EQ(result.u, 69.5);
  EXPECT_NEAR(result.p_value, 0.010739304391762452, 1e-12);
}

TEST(MannWhitney, IdenticalValuesCannotDiffer) {
  std::vector<double> same(9, 42.0);
  EXPECT_DOUBLE_EQ(mann_whitney_u(same, same).p_value, 1.0);
}

TEST(MannWhitney, EqualSamplesGiveNoSignificance) {
  std::vector<double> x = {50, 52, 48, 51, 49, 50, 53, 47, 50};
  EXPECT_GT(mann_whitney_u(x, x).p_value, 0.9);
}

}  // namespace
}  // namespace rlkit::report
