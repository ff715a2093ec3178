// /metrics in Prometheus text format (issue 5): what the server can see of the orchestrator
// (DAGs, runs and task instances by state, task durations, clusters by state, the scheduler's
// loop times and heartbeat, all from the metadata DB) and of itself (HTTP requests by route,
// method and code, with latencies).
// Open without credentials: it carries counts only, no names and no secrets.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace httplib {
class Server;
}

namespace sluice::web {

struct WebContext;

// Cumulative Prometheus histogram: counts per upper bound (the last is +Inf), sum and count.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  // One observed elsewhere: `at_most[i]` values were at most bounds[i] (cumulative), `count`
  // in all.
  static Histogram FromCumulative(std::vector<double> bounds, const std::vector<uint64_t>& at_most,
                                  double sum, uint64_t count);
  void Observe(double value);
  // Appends `name`_bucket/_sum/_count lines; `labels` is "" or `key="value",...`.
  void Render(const std::string& name, const std::string& labels, std::string* out) const;

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative
  double sum_ = 0;
  uint64_t count_ = 0;
};

// The server's own requests. Thread-safe.
class HttpMetrics {
 public:
  void Observe(const std::string& route, const std::string& method, int status, double seconds);
  void Render(std::string* out) const;

 private:
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;  // by route
};

// Prometheus label value escaping (backslash, double quote, newline).
std::string EscapeLabel(const std::string& value);
// A sample value as Prometheus text writes it (+Inf, -Inf, or the shortest exact decimal).
std::string FormatNumber(double v);

// Times every request of `http` (its pre-routing handler and logger) into `metrics`.
void InstallRequestMetrics(httplib::Server& http, HttpMetrics& metrics);

// GET /metrics; DB-derived values are gathered at most once a second.
void RegisterMetricsRoutes(httplib::Server& http, WebContext& ctx, HttpMetrics& metrics);

// The metadata DB's part of /metrics (metrics_store.cc).
std::string RenderStoreMetrics(WebContext& ctx);

}  // namespace sluice::web
