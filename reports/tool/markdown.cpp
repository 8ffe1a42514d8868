#include "markdown.hpp"

#include <charconv>
#include <cmath>

namespace rlkit::report {

MarkdownTable::MarkdownTable(const std::vector<std::string>& header) {
  for (auto& h : header) header_.push_back(escape_cell(h));
}

void MarkdownTable::add_row(std::vector<std::string> cells) {
  for (auto& c : cells) c = escape_cell(c);
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

std::string MarkdownTable::render() const {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const auto& c : cells) out += " " + c + " |";
    return out + "\n";
  };
  std::string out = line(header_);
  out += "|";
  for (std::size_t i = 0; i < header_.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& row : rows_) out += line(row);
  return out;
}

std::string escape_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_figure(double value) {
  if (!std::isfinite(value)) return "n/a";
  double magnitude = std::fabs(value);
  int decimals = 0;
  if (magnitude > 0 && magnitude < 100) {
    decimals =
        std::min(3, 2 - static_cast<int>(std::floor(std::log10(magnitude))));
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value,
                              std::chars_format::fixed, decimals);
  return std::string(buffer, result.ptr);
}

std::string format_p_value(double value) {
  if (!std::isfinite(value)) return "n/a";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value,
                              std::chars_format::general, 4);
  return std::string(buffer, result.ptr);
}

std::string shortened(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t cut = limit > 3 ? limit - 3 : 0;
  // Never cut inside a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace rlkit::report
