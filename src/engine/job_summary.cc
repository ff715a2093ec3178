// The run summary of `sluice etl run`: what was read, rejected, joined and written.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "common/process_stats.h"
#include "engine/executor.h"

namespace sluice::engine {

namespace {

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string LeftPad(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

std::string FormatSummary(const JobSummary& s) {
  std::string out = "job " + s.job + " succeeded\n\ninputs\n";
  for (const auto& in : s.inputs) {
    out += "  " + Pad(in.name, 16) + LeftPad(FormatCount(in.rows), 14) + " rows  " +
           LeftPad(FormatBytes(in.bytes), 10) + "  rejected " + FormatCount(in.malformed) +
           " (" + in.mode + ")  " + in.uri + "\n";
    if (!in.rejects_uri.empty()) out += "  " + Pad("", 16) + "  rejects: " + in.rejects_uri + "\n";
  }
  if (!s.joins.empty()) out += "\njoins\n";
  for (const auto& j : s.joins) {
    out += "  " + Pad(j.name, 16) + LeftPad(FormatCount(j.stats.rows_out), 14) + " rows (" +
           j.how + ")  unmatched keys: left " + FormatCount(j.stats.probe_unmatched) + " of " +
           FormatCount(j.stats.probe_rows) + ", right " + FormatCount(j.stats.build_unmatched) +
           " of " + FormatCount(j.stats.build_rows) + "\n";
  }
  out += "\noutputs\n";
  for (const auto& o : s.outputs) {
    out += "  " + Pad(o.name, 32) + LeftPad(FormatCount(o.rows), 10) + " rows  " +
           (o.written ? o.uri : o.uri + " (exists, mode ignore: left as it was)") + "\n";
  }
  char tail[160];
  std::snprintf(tail, sizeof tail, "\nwall time %.3f s, peak memory %s, %d threads\n", s.seconds,
                FormatBytes(s.peak_rss_bytes).c_str(), s.threads);
  return out + tail;
}

std::string SummaryToJson(const JobSummary& s) {
  nlohmann::json j;
  j["job"] = s.job;
  j["status"] = "success";
  j["inputs"] = nlohmann::json::array();
  for (const auto& in : s.inputs) {
    j["inputs"].push_back({{"name", in.name}, {"uri", in.uri}, {"rows", in.rows},
                           {"rejected", in.malformed}, {"bytes", in.bytes}, {"mode", in.mode},
                           {"rejects_uri", in.rejects_uri}});
  }
  j["joins"] = nlohmann::json::array();
  for (const auto& jn : s.joins) {
    j["joins"].push_back({{"name", jn.name}, {"how", jn.how}, {"rows", jn.stats.rows_out},
                          {"left_rows", jn.stats.probe_rows},
                          {"left_unmatched", jn.stats.probe_unmatched},
                          {"right_rows", jn.stats.build_rows},
                          {"right_unmatched", jn.stats.build_unmatched}});
  }
  j["outputs"] = nlohmann::json::array();
  for (const auto& o : s.outputs) {
    j["outputs"].push_back({{"name", o.name}, {"uri", o.uri}, {"rows", o.rows},
                            {"bytes", o.bytes}, {"written", o.written}, {"part", o.part_uri}});
  }
  j["wall_seconds"] = s.seconds;
  j["peak_rss_bytes"] = s.peak_rss_bytes;
  j["threads"] = s.threads;
  return j.dump(2) + "\n";
}

}  // namespace sluice::engine
