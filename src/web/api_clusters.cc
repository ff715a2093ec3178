// The local cluster service's clusters and steps (the EMR console), read from the metadata DB
// the service keeps them in, and each step's stdout and stderr from the cluster's folder.
#include <httplib.h>

#include <filesystem>

#include "cluster/cluster_model.h"
#include "cluster/cluster_store.h"
#include "cluster/emr_shapes.h"
#include "storage/object_store.h"
#include "web/api_log_chunk.h"
#include "web/api_routes_internal.h"
#include "web/api_util.h"
#include "web/web_context.h"

namespace sluice::web::api {

namespace {

using namespace cluster;
using httplib::Request;
using httplib::Response;

Json ReasonJson(const StateReason& r) { return {{"code", r.code}, {"message", r.message}}; }

Json ClusterJson(const ClusterRecord& c) {
  auto idle = c.IdleTimeoutSeconds();
  return {{"id", c.id},
          {"name", c.name},
          {"state", ToString(c.state)},
          {"reason", ReasonJson(c.reason)},
          {"created", FormatIso8601(c.created_at)},
          {"ready", TimeJson(c.ready_at)},
          {"ended", TimeJson(c.ended_at)},
          {"log_uri", c.log_uri.empty() ? Json(nullptr) : Json(c.log_uri)},
          {"release_label", c.request.value("ReleaseLabel", "")},
          {"instance_count", c.CoreInstanceCount() + 1},
          {"step_concurrency_level", c.StepConcurrencyLevel()},
          {"idle_timeout", idle ? Json(*idle) : Json(nullptr)},
          {"auto_terminate", !c.KeepAliveWhenNoSteps()},
          {"tags", c.request.value("Tags", Json::array())}};
}

Json StepJson(const ClusterRecord& c, const StepRecord& s) {
  Json failure = nullptr;
  if (s.failure_reason || s.failure_message || s.failure_log_file) {
    failure = {{"reason", s.failure_reason.value_or("")},
               {"message", s.failure_message.value_or("")},
               {"log_file", s.failure_log_file.value_or("")}};
  }
  std::string folder = StepLogFolder(c, s.id);
  Json logs = nullptr;
  if (!folder.empty()) {
    logs = {{"stdout", storage::JoinUri(folder, "stdout")},
            {"stderr", storage::JoinUri(folder, "stderr")}};
  }
  return {{"id", s.id},
          {"cluster_id", s.cluster_id},
          {"name", s.name},
          {"state", ToString(s.state)},
          {"action_on_failure", ToString(s.action_on_failure)},
          {"jar", s.config.value("Jar", "")},
          {"args", s.Args()},
          {"reason", ReasonJson(s.reason)},
          {"created", FormatIso8601(s.created_at)},
          {"started", TimeJson(s.started_at)},
          {"ended", TimeJson(s.ended_at)},
          {"exit_code", s.exit_code ? Json(*s.exit_code) : Json(nullptr)},
          {"failure_details", failure},
          {"log_locations", logs}};
}

void ListClusters(const Request& req, Response& res, WebContext& ctx) {
  auto page = ParsePage(req);
  if (!page.ok()) return SendStatus(res, page.status());
  std::vector<ClusterState> states;
  for (const auto& s : ListParam(req, "state")) {
    auto state = ParseClusterState(s);
    if (!state.ok())
      return SendError(res, 400, "query parameter state: " + state.status().message());
    states.push_back(*state);
  }
  auto clusters = ctx.store->clusters()->ListClusters(states);
  if (!clusters.ok()) return SendStatus(res, clusters.status());
  std::vector<Json> items;
  for (const auto& c : *clusters) items.push_back(ClusterJson(c));
  SendJson(res, PageOf("clusters", items, *page));
}

void GetCluster(const Request& req, Response& res, WebContext& ctx) {
  auto c = ctx.store->clusters()->GetCluster(req.matches[1].str());
  if (!c.ok()) return SendStatus(res, c.status());
  SendJson(res, ClusterJson(*c));
}

void ListSteps(const Request& req, Response& res, WebContext& ctx) {
  auto page = ParsePage(req);
  if (!page.ok()) return SendStatus(res, page.status());
  auto c = ctx.store->clusters()->GetCluster(req.matches[1].str());
  if (!c.ok()) return SendStatus(res, c.status());
  auto steps = ctx.store->clusters()->ListSteps(c->id);
  if (!steps.ok()) return SendStatus(res, steps.status());
  std::vector<Json> items;
  for (const auto& s : *steps) items.push_back(StepJson(*c, s));
  SendJson(res, PageOf("steps", items, *page));
}

void GetStep(const Request& req, Response& res, WebContext& ctx) {
  auto c = ctx.store->clusters()->GetCluster(req.matches[1].str());
  if (!c.ok()) return SendStatus(res, c.status());
  auto s = ctx.store->clusters()->GetStep(c->id, req.matches[2].str());
  if (!s.ok()) return SendStatus(res, s.status());
  SendJson(res, StepJson(*c, *s));
}

// The step's output as its process writes it: <work_dir>/steps/<step>/{stdout,stderr}.
void GetStepLog(const Request& req, Response& res, WebContext& ctx) {
  auto c = ctx.store->clusters()->GetCluster(req.matches[1].str());
  if (!c.ok()) return SendStatus(res, c.status());
  auto s = ctx.store->clusters()->GetStep(c->id, req.matches[2].str());
  if (!s.ok()) return SendStatus(res, s.status());
  std::string stream = req.matches[3].str();
  if (c->work_dir.empty()) return SendError(res, 404, "cluster " + c->id + " keeps no step output");
  std::string path = (std::filesystem::path(c->work_dir) / "steps" / s->id / stream).string();
  SendLog(req, res, path, IsTerminal(s->state));
}

}  // namespace

void RegisterClusterRoutes(httplib::Server& http, WebContext& ctx) {
  auto bind = [&ctx](void (*fn)(const Request&, Response&, WebContext&)) {
    return [&ctx, fn](const Request& req, Response& res, const Principal&) { fn(req, res, ctx); };
  };
  const std::string cluster = std::string("/api/v1/clusters/") + kSegment;
  const std::string step = cluster + "/steps/" + kSegment;
  Route(http, ctx, "GET", "/api/v1/clusters", "clusters", Role::kViewer, bind(ListClusters));
  Route(http, ctx, "GET", cluster, "cluster", Role::kViewer, bind(GetCluster));
  Route(http, ctx, "GET", cluster + "/steps", "cluster_steps", Role::kViewer, bind(ListSteps));
  Route(http, ctx, "GET", step, "cluster_step", Role::kViewer, bind(GetStep));
  Route(http, ctx, "GET", step + "/logs/(stdout|stderr)", "cluster_step_log", Role::kViewer,
        bind(GetStepLog));
}

}  // namespace sluice::web::api
