#include "cli/cli_util.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace sluice::cli {

int Fail(const Status& status, const std::string& context) {
  std::fprintf(stderr, "sluice: %s%s\n", context.empty() ? "" : (context + ": ").c_str(),
               status.message().c_str());
  return 1;
}

namespace {

std::string CellText(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

void PrintTable(const std::vector<std::string>& columns, const std::vector<nlohmann::json>& rows,
                bool json) {
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json obj = nlohmann::json::object();
      for (size_t c = 0; c < columns.size(); ++c) obj[columns[c]] = r[c];
      out.push_back(obj);
    }
    std::printf("%s\n", out.dump(2).c_str());
    return;
  }
  std::vector<size_t> width;
  for (const auto& c : columns) width.push_back(c.size());
  for (const auto& r : rows) {
    for (size_t c = 0; c < columns.size(); ++c) width[c] = std::max(width[c], CellText(r[c]).size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t c = 0; c < cells.size(); ++c) {
      s += cells[c];
      if (c + 1 < cells.size()) s += std::string(width[c] - cells[c].size() + 2, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    std::printf("%s\n", s.c_str());
  };
  line(columns);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& r : rows) {
    std::vector<std::string> cells;
    for (size_t c = 0; c < columns.size(); ++c) cells.push_back(CellText(r[c]));
    line(cells);
  }
}

nlohmann::json TimeOrNull(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(FormatIso8601(*t)) : nlohmann::json(nullptr);
}

std::vector<std::string> SelfArgv() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string self = n > 0 ? std::string(buf, n) : "sluice";
  return {self};
}

}  // namespace sluice::cli
