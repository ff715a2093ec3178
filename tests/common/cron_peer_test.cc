// CronExpression::Next against a real peer: the npm package cron-parser (tools/npm), run by
// tests/common/cron_peer.mjs. Skipped only when node itself is missing.
//
// Left out on purpose, where cron-parser differs from Vixie cron and Airflow:
// - a day field written '*/n' next to a restricted other day field: Vixie cron (and we) AND
//   the two, cron-parser ORs them ("0 0 */2 * MON");
// - in a time zone, a fixed-hour schedule on a fall-back night: Airflow (and we) fire at the
//   second occurrence of the repeated wall time, cron-parser at the first;
// - cron-parser's extensions (L, #, H, ?, a sixth field for seconds), which we reject.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "common/cron.h"

namespace sluice {
namespace {

constexpr int kCount = 20;

bool HaveNode() { return std::system("command -v node >/dev/null 2>&1") == 0; }

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// Runs cron_peer.mjs and returns its lines, one per expression.
std::vector<std::string> RunPeer(std::string_view after, std::string_view tz,
                                 const std::vector<std::string_view>& exprs) {
  const std::string src = SLUICE_SOURCE_DIR;
  std::string cmd = "NODE_PATH=" + Quote(src + "/tools/npm/node_modules") + " node " +
                    Quote(src + "/tests/common/cron_peer.mjs") + " --after " + Quote(after) +
                    " --tz " + Quote(tz) + " --count " + std::to_string(kCount);
  for (std::string_view e : exprs) cmd += " " + Quote(e);
  cmd += " 2>&1";
  std::vector<std::string> lines;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return lines;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int rc = pclose(pipe);
  EXPECT_EQ(rc, 0) << "cron_peer.mjs failed (run `cd tools/npm && npm install`):\n" << out;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<int64_t> ParseMillis(const std::string& line) {
  std::vector<int64_t> out;
  std::istringstream in(line);
  for (int64_t v; in >> v;) out.push_back(v);
  return out;
}

std::vector<int64_t> OurMillis(std::string_view expr, std::string_view tz, TimePoint after) {
  std::vector<int64_t> out;
  Result<CronExpression> cron = CronExpression::Parse(expr, tz);
  EXPECT_TRUE(cron.ok()) << expr << ": " << cron.status().ToString();
  if (!cron.ok()) return out;
  TimePoint t = after;
  for (int i = 0; i < kCount; ++i) {
    t = cron->Next(t);
    out.push_back(
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
  }
  return out;
}

std::string ShowMillis(const std::vector<int64_t>& ms) {
  std::string s;
  for (int64_t v : ms) {
    s += FormatIso8601(TimePoint(std::chrono::milliseconds(v))) + "\n";
  }
  return s;
}

void CompareWithPeer(std::string_view after_text, std::string_view tz,
                     const std::vector<std::string_view>& exprs) {
  Result<TimePoint> after = ParseTimePoint(after_text);
  ASSERT_TRUE(after.ok());
  const std::vector<std::string> lines = RunPeer(after_text, tz, exprs);
  ASSERT_EQ(lines.size(), exprs.size()) << "peer output did not have one line per expression";
  for (size_t i = 0; i < exprs.size(); ++i) {
    ASSERT_NE(lines[i].rfind("error", 0), 0u) << exprs[i] << ": cron-parser: " << lines[i];
    const std::vector<int64_t> theirs = ParseMillis(lines[i]);
    ASSERT_EQ(theirs.size(), size_t(kCount)) << exprs[i] << ": " << lines[i];
    const std::vector<int64_t> ours = OurMillis(exprs[i], tz, *after);
    EXPECT_EQ(ours, theirs) << "\"" << exprs[i] << "\" in " << tz << " after " << after_text
                            << "\nours:\n"
                            << ShowMillis(ours) << "cron-parser:\n"
                            << ShowMillis(theirs);
  }
}

const std::vector<std::string_view> kUtcExpressions = {
    "* * * * *",
    "*/7 * * * *",
    "5,10-12,40-59/7 * * * *",
    "50/5 * * * *",
    "0 * * * *",
    "30 */3 * * *",
    "23 0-20/2 * * *",
    "*/20 6-8 * * *",
    "0 9-17 * * MON-FRI",
    "0 22 * * 1-5",
    "5 4 * * sun",
    "45 23 * * 6",
    "0 0 * * 7",
    "0 0 * * 5-7",
    "0 0 * * 1/2",
    "15 14 1 * *",
    "0 4 8-14 * *",
    "0 0,12 1 */2 *",
    "0 0 1 */3 *",
    "0 0 1 1 *",
    "0 0 29 2 *",
    "0 0 31 * *",
    "0 0 30 * *",
    "59 23 28-31 * *",
    "0 12 * JAN,jun,DEC *",
    "0 0 * feb-apr 0",
    "0 0 13 * 5",
    "0 0 1,15 * 3",
    "0 0 1-7 * 1",
    "0 6 * 2,4 2-4",
};

TEST(CronPeerTest, MatchesCronParserInUtc) {
  if (!HaveNode()) GTEST_SKIP() << "node is not installed; the cron-parser peer cannot run";
  CompareWithPeer("2026-01-01T00:00:00Z", "UTC", kUtcExpressions);
  CompareWithPeer("2027-12-31T23:59:30Z", "UTC", kUtcExpressions);
  CompareWithPeer("2024-02-28T12:34:56.789Z", "UTC", kUtcExpressions);
}

TEST(CronPeerTest, MatchesCronParserAcrossSpringForward) {
  if (!HaveNode()) GTEST_SKIP() << "node is not installed; the cron-parser peer cannot run";
  const std::vector<std::string_view> exprs = {
      "30 2 * * *", "0 0 * * *", "0 * * * *", "*/20 * * * *", "15 1-4 * * *", "0 9 * * MON-FRI",
  };
  // Paris jumps 02:00 -> 03:00 on 2026-03-29, New York on 2026-03-08.
  CompareWithPeer("2026-03-20T00:00:00Z", "Europe/Paris", exprs);
  CompareWithPeer("2026-03-28T20:00:00Z", "Europe/Paris", exprs);
  CompareWithPeer("2026-03-01T00:00:00Z", "America/New_York", exprs);
  CompareWithPeer("2026-03-08T02:00:00Z", "America/New_York", exprs);
}

TEST(CronPeerTest, MatchesCronParserOnFallBackForHourlySchedules) {
  if (!HaveNode()) GTEST_SKIP() << "node is not installed; the cron-parser peer cannot run";
  // Schedules firing every hour fire in both repeated hours, in cron-parser as in Airflow.
  const std::vector<std::string_view> exprs = {"0 * * * *", "30 * * * *", "*/15 * * * *"};
  CompareWithPeer("2026-10-24T22:00:00Z", "Europe/Paris", exprs);
  CompareWithPeer("2026-11-01T03:00:00Z", "America/New_York", exprs);
}

TEST(CronPeerTest, MatchesCronParserInZonesAwayFromJumps) {
  if (!HaveNode()) GTEST_SKIP() << "node is not installed; the cron-parser peer cannot run";
  // Tokyo has no daylight saving; New York's next jump is months after these 20 ticks.
  CompareWithPeer("2026-04-15T00:00:00Z", "Asia/Tokyo", kUtcExpressions);
  CompareWithPeer("2026-06-01T00:00:00Z", "America/New_York",
                  {"0 9-17 * * MON-FRI", "30 */3 * * *", "5 4 * * sun", "0 0 * * 1/2"});
}

}  // namespace
}  // namespace sluice
