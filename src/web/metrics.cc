#include "web/metrics.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "web/api_util.h"
#include "web/web_context.h"

namespace sluice::web {

namespace {

using Clock = std::chrono::steady_clock;

const std::vector<double> kLatencyBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                            0.1,   0.25,   0.5,   1,    2.5,   10};

thread_local Clock::time_point t_started{};

// A request outside the API's routes, by the part of the server that answered it.
std::string RouteOf(const httplib::Request& req) {
  const std::string& route = api::CurrentRoute();
  if (!route.empty()) return route;
  const std::string& p = req.path;
  if (p == "/metrics") return "metrics";
  if (p == "/login" || p == "/logout") return p.substr(1);
  if (p.starts_with("/static/")) return "static";
  if (p.starts_with("/api/")) return "api_other";
  if (req.method == "POST" && p == "/") return "emr";
  return "ui";
}

}  // namespace

std::string FormatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // The fewest digits that read back as the same double: le="0.005", not 0.0050000000000000001.
  char buf[32];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

Histogram Histogram::FromCumulative(std::vector<double> bounds,
                                    const std::vector<uint64_t>& at_most, double sum,
                                    uint64_t count) {
  Histogram h(std::move(bounds));
  uint64_t below = 0;
  for (size_t i = 0; i < h.bounds_.size() && i < at_most.size(); ++i) {
    h.counts_[i] = at_most[i] >= below ? at_most[i] - below : 0;
    below = std::max(below, at_most[i]);
  }
  h.counts_.back() = count >= below ? count - below : 0;
  h.sum_ = sum;
  h.count_ = count;
  return h;
}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

void Histogram::Render(const std::string& name, const std::string& labels, std::string* out) const {
  std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i];
    std::string le = i < bounds_.size() ? FormatNumber(bounds_[i]) : "+Inf";
    *out += name + "_bucket{" + labels + sep + "le=\"" + le + "\"} " + std::to_string(cumulative) +
            "\n";
  }
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  *out += name + "_sum" + braces + " " + FormatNumber(sum_) + "\n";
  *out += name + "_count" + braces + " " + std::to_string(count_) + "\n";
}

std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void HttpMetrics::Observe(const std::string& route, const std::string& method, int status,
                          double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, method, status}];
  if (seconds >= 0) {
    auto it = latency_.find(route);
    if (it == latency_.end()) it = latency_.emplace(route, Histogram(kLatencyBounds)).first;
    it->second.Observe(seconds);
  }
}

void HttpMetrics::Render(std::string* out) const {
  std::lock_guard lock(mu_);
  *out += "# HELP sluice_http_requests_total HTTP requests answered by this server.\n";
  *out += "# TYPE sluice_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, code] = key;
    *out += "sluice_http_requests_total{route=\"" + EscapeLabel(route) + "\",method=\"" +
            EscapeLabel(method) + "\",code=\"" + std::to_string(code) + "\"} " + std::to_string(n) +
            "\n";
  }
  *out += "# HELP sluice_http_request_duration_seconds Time to answer a request, by route.\n";
  *out += "# TYPE sluice_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    h.Render("sluice_http_request_duration_seconds", "route=\"" + EscapeLabel(route) + "\"", out);
  }
}

void InstallRequestMetrics(httplib::Server& http, HttpMetrics& metrics) {
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_started = Clock::now();
    api::SetCurrentRoute("");
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_logger([&metrics](const httplib::Request& req, const httplib::Response& res) {
    double seconds = -1;
    if (t_started != Clock::time_point{}) {
      seconds = std::chrono::duration<double>(Clock::now() - t_started).count();
    }
    t_started = Clock::time_point{};
    metrics.Observe(RouteOf(req), req.method, res.status, seconds);
  });
}

void RegisterMetricsRoutes(httplib::Server& http, WebContext& ctx, HttpMetrics& metrics) {
  http.Get("/metrics", [&ctx, &metrics](const httplib::Request&, httplib::Response& res) {
    std::string text = RenderStoreMetrics(ctx);
    metrics.Render(&text);
    res.set_header("Cache-Control", "no-store");
    res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace sluice::web
