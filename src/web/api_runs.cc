// DAG runs: list, one, trigger (POST dagRuns), and clearTaskInstances, as the CLI's
// `dags trigger` and `tasks clear` do (orchestrator/dag_actions.h).
#include <httplib.h>

#include <set>

#include "orchestrator/dag_actions.h"
#include "web/api_dag_cache.h"
#include "web/api_json.h"
#include "web/api_routes_internal.h"
#include "web/api_util.h"
#include "web/web_context.h"

namespace sluice::web::api {

namespace {

using namespace orchestrator;
using httplib::Request;
using httplib::Response;

// InvalidArgument naming the first key of `body` not in `allowed`.
Status OnlyKeys(const Json& body, const std::set<std::string>& allowed) {
  for (const auto& [key, value] : body.items()) {
    if (!allowed.count(key)) return Status::InvalidArgument("unknown field '" + key + "'");
  }
  return Status::OK();
}

Result<std::string> OptionalString(const Json& body, const std::string& key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Status::InvalidArgument("'" + key + "' must be a string");
  return it->get<std::string>();
}

Result<bool> OptionalBool(const Json& body, const std::string& key, bool fallback = false) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return Status::InvalidArgument("'" + key + "' must be true or false");
  return it->get<bool>();
}

// The DAG's model and its parsed file.
Result<std::shared_ptr<const DagSpec>> LoadDag(WebContext& ctx, const std::string& dag_id) {
  ASSIGN_OR_RETURN(DagModel model, ctx.store->GetDag(dag_id));
  return SharedDagCache().Load(model);
}

void ListRuns(const Request& req, Response& res, WebContext& ctx) {
  auto page = ParsePage(req);
  if (!page.ok()) return SendStatus(res, page.status());
  DagRunQuery q;
  std::string dag_id = req.matches[1].str();
  if (dag_id != "~") {
    if (Status st = ctx.store->GetDag(dag_id).status(); !st.ok()) return SendStatus(res, st);
    q.dag_id = dag_id;
  }
  for (const auto& s : ListParam(req, "state")) {
    auto state = ParseDagRunState(s);
    if (!state.ok())
      return SendError(res, 400, "query parameter state: " + state.status().message());
    q.states.push_back(*state);
  }
  auto runs = ctx.store->ListDagRuns(q);
  if (!runs.ok()) return SendStatus(res, runs.status());
  std::vector<Json> items;
  items.reserve(runs->size());
  for (const auto& r : *runs) items.push_back(DagRunJson(r));
  SendJson(res, PageOf("dag_runs", items, *page));
}

void GetRun(const Request& req, Response& res, WebContext& ctx) {
  auto run = ctx.store->GetDagRun({req.matches[1].str(), req.matches[2].str()});
  if (!run.ok()) return SendStatus(res, run.status());
  SendJson(res, DagRunJson(*run));
}

Result<TriggerRequest> ParseTrigger(const Json& body, const DagSpec& dag) {
  RETURN_NOT_OK(OnlyKeys(body, {"dag_run_id", "logical_date", "execution_date", "conf", "note"}));
  TriggerRequest request;
  ASSIGN_OR_RETURN(request.run_id, OptionalString(body, "dag_run_id"));
  if (request.run_id.find('/') != std::string::npos) {
    return Status::InvalidArgument("'dag_run_id' may not contain '/'");
  }
  ASSIGN_OR_RETURN(std::string date, OptionalString(body, "logical_date"));
  if (date.empty()) {
    ASSIGN_OR_RETURN(date, OptionalString(body, "execution_date"));
  }
  if (!date.empty()) {
    auto t = ParseTimePoint(date, dag.timezone);
    if (!t.ok()) return Status::InvalidArgument("'logical_date': " + t.status().message());
    request.logical_date = *t;
  }
  if (auto conf = body.find("conf"); conf != body.end() && !conf->is_null()) {
    if (!conf->is_object()) return Status::InvalidArgument("'conf' must be a JSON object");
    request.conf = *conf;
  }
  return request;
}

void PostRun(const Request& req, Response& res, WebContext& ctx) {
  auto body = JsonObjectBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  auto dag = LoadDag(ctx, req.matches[1].str());
  if (!dag.ok()) return SendStatus(res, dag.status());
  auto request = ParseTrigger(*body, **dag);
  if (!request.ok()) return SendStatus(res, request.status());
  auto run = TriggerDagRun(*ctx.store, **dag, *request);
  if (!run.ok()) return SendStatus(res, run.status());
  SendJson(res, DagRunJson(*run));
}

Result<std::optional<TimePoint>> OptionalTime(const Json& body, const std::string& key,
                                              const DagSpec& dag) {
  ASSIGN_OR_RETURN(std::string text, OptionalString(body, key));
  if (text.empty()) return std::optional<TimePoint>();
  auto t = ParseTimePoint(text, dag.timezone);
  if (!t.ok()) return Status::InvalidArgument("'" + key + "': " + t.status().message());
  return std::optional<TimePoint>(*t);
}

// Airflow's ClearTaskInstances body, with its defaults: dry_run, only_failed and
// reset_dag_runs true, the rest false. Subdags do not exist here: their flags are accepted.
Result<ClearRequest> ParseClear(const Json& body, const DagSpec& dag) {
  RETURN_NOT_OK(OnlyKeys(
      body, {"dag_run_id", "task_ids", "only_failed", "only_running", "dry_run", "reset_dag_runs",
             "include_upstream", "include_downstream", "include_future", "include_past",
             "start_date", "end_date", "include_subdags", "include_parentdag"}));
  ClearRequest request;
  ASSIGN_OR_RETURN(request.run_id, OptionalString(body, "dag_run_id"));
  ASSIGN_OR_RETURN(request.start_date, OptionalTime(body, "start_date", dag));
  ASSIGN_OR_RETURN(request.end_date, OptionalTime(body, "end_date", dag));
  ASSIGN_OR_RETURN(request.dry_run, OptionalBool(body, "dry_run", true));
  ASSIGN_OR_RETURN(request.only_failed, OptionalBool(body, "only_failed", true));
  ASSIGN_OR_RETURN(request.only_running, OptionalBool(body, "only_running"));
  ASSIGN_OR_RETURN(request.reset_dag_runs, OptionalBool(body, "reset_dag_runs", true));
  ASSIGN_OR_RETURN(request.include_upstream, OptionalBool(body, "include_upstream"));
  ASSIGN_OR_RETURN(request.include_downstream, OptionalBool(body, "include_downstream"));
  ASSIGN_OR_RETURN(request.include_past, OptionalBool(body, "include_past"));
  ASSIGN_OR_RETURN(request.include_future, OptionalBool(body, "include_future"));
  for (const char* ignored : {"include_subdags", "include_parentdag"}) {
    RETURN_NOT_OK(OptionalBool(body, ignored).status());
  }
  if (auto ids = body.find("task_ids"); ids != body.end() && !ids->is_null()) {
    if (!ids->is_array()) return Status::InvalidArgument("'task_ids' must be a list of task ids");
    for (const auto& id : *ids) {
      if (!id.is_string()) return Status::InvalidArgument("'task_ids' must hold strings");
      request.task_ids.push_back(id.get<std::string>());
    }
  }
  return request;
}

void ClearTasks(const Request& req, Response& res, WebContext& ctx) {
  auto body = JsonObjectBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  auto dag = LoadDag(ctx, req.matches[1].str());
  if (!dag.ok()) return SendStatus(res, dag.status());
  auto request = ParseClear(*body, **dag);
  if (!request.ok()) return SendStatus(res, request.status());
  for (const auto& id : request->task_ids) {
    if (!(*dag)->FindTask(id)) {
      return SendError(res, 400, "DAG '" + (*dag)->dag_id + "' has no task '" + id + "'");
    }
  }
  auto cleared = ClearTaskInstances(*ctx.store, **dag, *request);
  if (!cleared.ok()) {
    // A task still queued or running: the request conflicts with the run's state.
    int code = cleared.status().code() == StatusCode::kInvalidArgument ? 409 : 0;
    return code ? SendError(res, code, cleared.status().message())
                : SendStatus(res, cleared.status());
  }
  Json items = Json::array();
  for (const auto& c : *cleared) {
    items.push_back({{"dag_id", c.ti.dag_id},
                     {"dag_run_id", c.ti.run_id},
                     {"task_id", c.ti.task_id},
                     {"execution_date", FormatIso8601(c.logical_date)}});
  }
  SendJson(res, {{"task_instances", items}});
}

}  // namespace

void RegisterRunRoutes(httplib::Server& http, WebContext& ctx) {
  auto bind = [&ctx](void (*fn)(const Request&, Response&, WebContext&)) {
    return [&ctx, fn](const Request& req, Response& res, const Principal&) { fn(req, res, ctx); };
  };
  const std::string runs = std::string("/api/v1/dags/") + kSegment + "/dagRuns";
  Route(http, ctx, "GET", runs, "dag_runs", Role::kViewer, bind(ListRuns));
  Route(http, ctx, "POST", runs, "dag_runs_post", Role::kOp, bind(PostRun));
  Route(http, ctx, "GET", runs + "/" + kSegment, "dag_run", Role::kViewer, bind(GetRun));
  Route(http, ctx, "POST", std::string("/api/v1/dags/") + kSegment + "/clearTaskInstances",
        "clear_task_instances", Role::kOp, bind(ClearTasks));
}

}  // namespace sluice::web::api
