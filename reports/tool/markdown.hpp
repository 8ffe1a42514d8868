#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rlkit::report {

// A GitHub-flavoured Markdown table; cells are escaped as they are added.
class MarkdownTable {
 public:
  explicit MarkdownTable(const std::vector<std::string>& header);
  void add_row(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Makes text safe inside a table cell: no pipe, no line break.
std::string escape_cell(std::string_view text);

// About three significant digits, in fixed notation, independent of the
// locale: 0.512, 5.12, 51.2, 512, 51234.
std::string format_figure(double value);

// Like printf's "%.4g", independent of the locale.
std::string format_p_value(double value);

// Cuts text to at most `limit` characters, marking the cut with "...".
std::string shortened(std::string_view text, std::size_t limit);

}  // namespace rlkit::report
