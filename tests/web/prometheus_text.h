// Reading /metrics in tests: Prometheus text (format 0.0.4) parsed into samples, every line's
// syntax checked on the way.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace sluice::web::testing {

// Samples by "name{labels}", after checking every line's syntax and that each sample's
// family was declared with # TYPE before it.
inline std::map<std::string, double> ParsePrometheus(const std::string& text) {
  std::map<std::string, double> samples;
  std::set<std::string> typed;
  std::regex type_line(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary))");
  std::regex sample_line(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? )"
      R"(([-+]?[0-9.eE+-]+|\+Inf|-Inf|NaN))");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.rfind("# HELP ", 0) == 0) continue;
    std::smatch m;
    if (std::regex_match(line, m, type_line)) {
      typed.insert(m[1]);
      continue;
    }
    EXPECT_TRUE(std::regex_match(line, m, sample_line)) << "not Prometheus text: " << line;
    if (m.empty()) continue;
    std::string name = m[1];
    std::string family = std::regex_replace(name, std::regex("_(bucket|sum|count)$"), "");
    EXPECT_TRUE(typed.count(name) || typed.count(family)) << "no # TYPE before " << line;
    EXPECT_EQ(name.rfind("sluice_", 0), 0u) << line;
    samples[line.substr(0, line.rfind(' '))] = std::stod(m[5]);
  }
  return samples;
}

}  // namespace sluice::web::testing
