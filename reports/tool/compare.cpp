#include "compare.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "benchmark_figures.hpp"
#include "mann_whitney.hpp"
#include "markdown.hpp"

namespace rlkit::report {
namespace {

using nlohmann::json;

const char* const absent = "—";

std::string verdict_cell(const json& check) {
  // Not const, so that returning it moves.
  std::string verdict = check.at("verdict").get<std::string>();
  if (verdict == "fail") return "FAIL";
  if (verdict == "skip") {
    return "skip (" + shortened(check.at("reason").get<std::string>(), 40) +
           ")";
  }
  return verdict;
}

std::map<std::string, const json*> checks_by_id(const json& report) {
  std::map<std::string, const json*> out;
  for (const auto& check : report["conformance"]["checks"]) {
    out[check["id"].get<std::string>()] = &check;
  }
  return out;
}

BenchmarkFigures figures_of(const json& report) {
  if (report["benchmarks"].is_null()) return {};
  return read_benchmark_figures(report["benchmarks"]);
}

std::string nullable_text(const json& value) {
  return value.is_string() ? value.get<std::string>() : "unknown";
}

std::string percent(double fraction) {
  std::string text = format_figure(fraction * 100);
  return (fraction > 0 ? "+" : "") + text + "%";
}

// Column headings: report ids, numbered when two reports share one.
std::vector<std::string> column_names(const std::vector<json>& reports) {
  std::vector<std::string> names;
  std::map<std::string, int> seen;
  for (const auto& r : reports) {
    std::string id = r["id"].get<std::string>();
    int n = ++seen[id];
    names.push_back(n == 1 ? id : id + " (" + std::to_string(n) + ")");
  }
  return names;
}

void platforms_section(const std::vector<json>& reports,
                       const std::vector<std::string>& names,
                       std::string& out) {
  std::vector<std::string> header = {""};
  header.insert(header.end(), names.begin(), names.end());
  MarkdownTable table(header);
  auto row = [&](const std::string& label, auto field) {
    std::vector<std::string> cells = {label};
    for (const auto& r : reports) cells.push_back(field(r));
    table.add_row(cells);
  };
  row("kernel", [](const json& r) {
    return r["platform"]["kernel_release"].get<std::string>();
  });
  row("architecture", [](const json& r) {
    return r["platform"]["architecture"].get<std::string>();
  });
  row("launcher", [](const json& r) {
    std::string text;
    for (const auto& part : r["run"]["launcher"]) {
      text += (text.empty() ? "" : " ") + part.get<std::string>();
    }
    return text.empty() ? std::string("none") : text;
  });
  row("privilege",
      [](const json& r) { return r["run"]["privilege"].get<std::string>(); });
  row("CPU model",
      [](const json& r) { return nullable_text(r["platform"]["cpu_model"]); });
  row("verdicts", [](const json& r) {
    const json& v = r["derived"]["verdicts"];
    return std::to_string(v["pass"].get<long long>()) + " pass, " +
           std::to_string(v["fail"].get<long long>()) + " fail, " +
           std::to_string(v["skip"].get<long long>()) + " skip";
  });
  out += "## Platforms\n\n" + table.render() + "\n";
}

void conformance_section(const std::vector<json>& reports,
                         const std::vector<std::string>& names,
                         std::string& out) {
  std::vector<std::map<std::string, const json*>> by_report;
  std::set<std::string> ids;
  for (const auto& r : reports) {
    by_report.push_back(checks_by_id(r));
    for (const auto& [id, check] : by_report.back()) ids.insert(id);
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> differing;
  std::vector<std::pair<std::string, std::vector<std::string>>> same;
  for (const auto& id : ids) {
    std::vector<std::string> cells;
    std::set<std::string> verdicts;
    for (const auto& checks : by_report) {
      auto it = checks.find(id);
      cells.push_back(it == checks.end() ? absent : verdict_cell(*it->second));
      verdicts.insert(it == checks.end()
                          ? std::string(absent)
                          : (*it->second)["verdict"].get<std::string>());
    }
    (verdicts.size() > 1 ? differing : same).emplace_back(id, cells);
  }
  std::vector<std::string> header = {"", "check"};
  header.insert(header.end(), names.begin(), names.end());
  MarkdownTable table(header);
  for (const auto& [id, cells] : differing) {
    std::vector<std::string> row = {"≠", id};
    row.insert(row.end(), cells.begin(), cells.end());
    table.add_row(row);
  }
  for (const auto& [id, cells] : same) {
    std::vector<std::string> row = {"", id};
    row.insert(row.end(), cells.begin(), cells.end());
    table.add_row(row);
  }
  out += "## Conformance\n\n";
  out += std::to_string(differing.size()) + " of " +
         std::to_string(ids.size()) +
         " checks differ across platforms (marked ≠, listed first).\n\n";
  if (!table.empty()) out += table.render() + "\n";
}

// One table of a per-platform figure keyed by name; `value(i, key)` gives
// the figure of report i, or nothing.
template <typename Lookup>
std::string figure_table(const std::string& first_column,
                         const std::set<std::string>& keys,
                         const std::vector<json>& reports,
                         const std::vector<std::string>& names, Lookup value) {
  std::vector<std::string> header = {first_column};
  header.insert(header.end(), names.begin(), names.end());
  MarkdownTable table(header);
  for (const auto& key : keys) {
    std::vector<std::string> row = {key};
    for (std::size_t i = 0; i < reports.size(); ++i) {
      std::optional<double> v = value(i, key);
      row.push_back(v ? format_figure(*v) : absent);
    }
    table.add_row(row);
  }
  return table.empty() ? "No figures.\n\n" : table.render() + "\n";
}

std::optional<double> json_number(const json& object, const std::string& key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

void benchmark_section(const std::vector<json>& reports,
                       const std::vector<std::string>& names,
                       std::string& out) {
  std::vector<BenchmarkFigures> figures;
  std::set<std::string> run_names;
  std::set<std::string> calls;
  for (const auto& r : reports) {
    figures.push_back(figures_of(r));
    for (const auto& [name, ns] : figures.back().median_ns) {
      run_names.insert(name);
    }
    for (const auto& call : r["derived"]["calls"]) {
      calls.insert(call["name"].get<std::string>());
    }
  }
  out += "## Benchmarks\n\n### Median CPU time (ns)\n\n";
  out += figure_table("benchmark", run_names, reports, names,
                      [&](std::size_t i, const std::string& key) {
                        auto it = figures[i].median_ns.find(key);
                        return it == figures[i].median_ns.end()
                                   ? std::nullopt
                                   : std::optional<double>(it->second);
                      });
  out += "### Multiples of a null system call\n\n";
  out += figure_table("benchmark", run_names, reports, names,
                      [&](std::size_t i, const std::string& key) {
                        return json_number(reports[i]["derived"]["multiples"],
                                           key);
                      });
  out += "### Wrapper overhead (rlkit time / raw time)\n\n";
  out +=
      figure_table("call", calls, reports, names,
                   [&](std::size_t i, const std::string& key) {
                     for (const auto& call : reports[i]["derived"]["calls"]) {
                       if (call["name"] == key) {
                         return json_number(call, "wrapper_ratio");
                       }
                     }
                     return std::optional<double>();
                   });
}

void verdict_changes(const json& report, const std::string& name,
                     const json& baseline, const std::string& baseline_name,
                     std::string& out, std::vector<std::string>& regressions) {
  auto now = checks_by_id(report);
  auto before = checks_by_id(baseline);
  MarkdownTable table({"check", "baseline", "this report"});
  std::set<std::string> ids;
  for (const auto& [id, c] : now) ids.insert(id);
  for (const auto& [id, c] : before) ids.insert(id);
  for (const auto& id : ids) {
    auto a = before.find(id);
    auto b = now.find(id);
    // A check only one side has is listed but not flagged: suites grow.
    if (a == before.end() || b == now.end()) {
      table.add_row({id, a == before.end() ? "(new)" : verdict_cell(*a->second),
                     b == now.end() ? "(absent)" : verdict_cell(*b->second)});
      continue;
    }
    std::string va = (*a->second)["verdict"].get<std::string>();
    std::string vb = (*b->second)["verdict"].get<std::string>();
    if (va == vb) continue;
    table.add_row(
        {"**" + id + "**", verdict_cell(*a->second), verdict_cell(*b->second)});
    regressions.push_back(name + ": check " + id + " changed verdict from " +
                          va + " to " + vb + " versus baseline " +
                          baseline_name);
  }
  out += "#### Verdicts\n\n";
  out += table.empty() ? "No verdict changed.\n\n" : table.render() + "\n";
}

void benchmark_changes(const json& report, const std::string& name,
                       const json& baseline, const std::string& baseline_name,
                       const CompareOptions& options, std::string& out,
                       std::vector<std::string>& regressions) {
  BenchmarkFigures now = figures_of(report);
  BenchmarkFigures before = figures_of(baseline);
  std::set<std::string> run_names;
  for (const auto& [n, v] : now.median_ns) run_names.insert(n);
  for (const auto& [n, v] : before.median_ns) run_names.insert(n);
  MarkdownTable table({"benchmark", "baseline (ns)", "this report (ns)",
                       "change", "p-value", "result"});
  for (const auto& run_name : run_names) {
    auto a = before.median_ns.find(run_name);
    auto b = now.median_ns.find(run_name);
    if (a == before.median_ns.end() || b == now.median_ns.end()) {
      table.add_row(
          {run_name,
           a == before.median_ns.end() ? absent : format_figure(a->second),
           b == now.median_ns.end() ? absent : format_figure(b->second), "", "",
           a == before.median_ns.end() ? "new" : "absent"});
      continue;
    }
    double change = a->second > 0 ? b->second / a->second - 1 : 0;
    const auto& xs = before.repetitions_ns[run_name];
    const auto& ys = now.repetitions_ns[run_name];
    std::string p_text;
    std::string result;
    if (std::min(xs.size(), ys.size()) < options.min_repetitions) {
      result = "too few repetitions (" + std::to_string(xs.size()) + " and " +
               std::to_string(ys.size()) + "; " +
               std::to_string(options.min_repetitions) + " needed)";
    } else {
      double p = mann_whitney_u(xs, ys).p_value;
      p_text = format_p_value(p);
      double threshold = options.threshold_percent / 100;
      if (p < options.alpha && change > threshold) {
        result = "**SLOWER**";
        regressions.push_back(name + ": benchmark " + run_name +
                              " is slower by " + format_figure(change * 100) +
                              "%" + " (Mann-Whitney p = " + p_text +
                              ") versus baseline " + baseline_name);
      } else if (p < options.alpha && change < -threshold) {
        result = "faster";
      } else {
        result = "no significant change";
      }
    }
    table.add_row({run_name, format_figure(a->second), format_figure(b->second),
                   percent(change), p_text, result});
  }
  out += "#### Benchmarks\n\n";
  out += table.empty() ? "No benchmarks.\n\n" : table.render() + "\n";
}

}  // namespace

Comparison compare_reports(const std::vector<json>& reports,
                           const json& baseline,
                           const CompareOptions& options) {
  Comparison result;
  const std::vector<std::string> names = column_names(reports);
  std::string body;
  platforms_section(reports, names, body);
  conformance_section(reports, names, body);
  benchmark_section(reports, names, body);

  std::string head = "# rlkit platform comparison\n\n";
  if (!baseline.is_null()) {
    const std::string base_name = baseline["id"].get<std::string>();
    body += "## Against baseline " + base_name + "\n\n";
    body +=
        "A benchmark is flagged when its median CPU time grew by more "
        "than " +
        format_figure(options.threshold_percent) +
        "% and a two-sided Mann-Whitney U test over the repetitions gives "
        "p < " +
        format_p_value(options.alpha) + ".\n\n";
    for (std::size_t i = 0; i < reports.size(); ++i) {
      body += "### " + names[i] + "\n\n";
      verdict_changes(reports[i], names[i], baseline, base_name, body,
                      result.regressions);
      benchmark_changes(reports[i], names[i], baseline, base_name, options,
                        body, result.regressions);
    }
    head += result.regressions.empty()
                ? "**Against baseline " + base_name +
                      ": no verdict changed and no benchmark got "
                      "significantly slower.**\n\n"
                : "**Against baseline " + base_name + ": " +
                      std::to_string(result.regressions.size()) +
                      " regression(s):**\n\n";
    for (const auto& line : result.regressions) {
      head += "- " + line + "\n";
    }
    if (!result.regressions.empty()) head += "\n";
  }
  result.markdown = head + body;
  return result;
}

}  // namespace rlkit::report
