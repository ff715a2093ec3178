// Task instances of a run, one task instance and its tries, and the run's XComs.
#include <httplib.h>

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

// The DAG file, when it still loads: only the pool comes from it.
std::shared_ptr<const DagSpec> DagIfLoads(WebContext& ctx, const std::string& dag_id) {
  auto model = ctx.store->GetDag(dag_id);
  if (!model.ok()) return nullptr;
  auto dag = SharedDagCache().Load(*model);
  return dag.ok() ? *dag : nullptr;
}

const TaskSpec* FindTask(const std::shared_ptr<const DagSpec>& dag, const std::string& id) {
  return dag ? dag->FindTask(id) : nullptr;
}

void ListTaskInstances(const Request& req, Response& res, WebContext& ctx) {
  auto page = ParsePage(req);
  if (!page.ok()) return SendStatus(res, page.status());
  DagRunKey key{req.matches[1].str(), req.matches[2].str()};
  auto run = ctx.store->GetDagRun(key);
  if (!run.ok()) return SendStatus(res, run.status());
  auto tis = ctx.store->ListTaskInstances(key);
  if (!tis.ok()) return SendStatus(res, tis.status());
  auto dag = DagIfLoads(ctx, key.dag_id);
  std::vector<Json> items;
  items.reserve(tis->size());
  for (const auto& ti : *tis)
    items.push_back(TaskInstanceJson(ti, *run, FindTask(dag, ti.task_id)));
  SendJson(res, PageOf("task_instances", items, *page));
}

void GetTaskInstance(const Request& req, Response& res, WebContext& ctx) {
  TaskInstanceKey key{req.matches[1].str(), req.matches[2].str(), req.matches[3].str()};
  auto run = ctx.store->GetDagRun({key.dag_id, key.run_id});
  if (!run.ok()) return SendStatus(res, run.status());
  auto ti = ctx.store->GetTaskInstance(key);
  if (!ti.ok()) return SendStatus(res, ti.status());
  SendJson(res, TaskInstanceJson(*ti, *run, FindTask(DagIfLoads(ctx, key.dag_id), key.task_id)));
}

Json TryJson(const TaskTryModel& t) {
  std::optional<Micros> duration;
  if (t.start_date && t.end_date) duration = *t.end_date - *t.start_date;
  return {{"task_id", t.task_id},
          {"dag_id", t.dag_id},
          {"dag_run_id", t.run_id},
          {"try_number", t.try_number},
          {"state", ToString(t.state)},
          {"start_date", TimeJson(t.start_date)},
          {"end_date", TimeJson(t.end_date)},
          {"duration", SecondsJson(duration)},
          {"hostname", t.hostname},
          {"pid", t.pid ? Json(*t.pid) : Json(nullptr)},
          {"error", t.error.empty() ? Json(nullptr) : Json(t.error)}};
}

void ListTries(const Request& req, Response& res, WebContext& ctx) {
  auto page = ParsePage(req);
  if (!page.ok()) return SendStatus(res, page.status());
  TaskInstanceKey key{req.matches[1].str(), req.matches[2].str(), req.matches[3].str()};
  if (Status st = ctx.store->GetTaskInstance(key).status(); !st.ok()) return SendStatus(res, st);
  auto tries = ctx.store->ListTries(key);
  if (!tries.ok()) return SendStatus(res, tries.status());
  std::vector<Json> items;
  for (const auto& t : *tries) items.push_back(TryJson(t));
  SendJson(res, PageOf("task_instances", items, *page));
}

void ListXComs(const Request& req, Response& res, WebContext& ctx) {
  auto page = ParsePage(req);
  if (!page.ok()) return SendStatus(res, page.status());
  DagRunKey key{req.matches[1].str(), req.matches[2].str()};
  auto run = ctx.store->GetDagRun(key);
  if (!run.ok()) return SendStatus(res, run.status());
  auto xcoms = ctx.store->ListXComs(key);
  if (!xcoms.ok()) return SendStatus(res, xcoms.status());
  std::string task_id = req.get_param_value("task_id");
  std::vector<Json> items;
  for (const auto& x : *xcoms) {
    if (task_id.empty() || x.task_id == task_id) items.push_back(XComJson(x, *run));
  }
  SendJson(res, PageOf("xcom_entries", items, *page));
}

}  // namespace

void RegisterTaskInstanceRoutes(httplib::Server& http, WebContext& ctx) {
  auto bind = [&ctx](void (*fn)(const Request&, Response&, WebContext&)) {
    return [&ctx, fn](const Request& req, Response& res, const Principal&) { fn(req, res, ctx); };
  };
  const std::string run = std::string("/api/v1/dags/") + kSegment + "/dagRuns/" + kSegment;
  const std::string ti = run + "/taskInstances/" + kSegment;
  Route(http, ctx, "GET", run + "/taskInstances", "task_instances", Role::kViewer,
        bind(ListTaskInstances));
  Route(http, ctx, "GET", ti, "task_instance", Role::kViewer, bind(GetTaskInstance));
  Route(http, ctx, "GET", ti + "/tries", "task_tries", Role::kViewer, bind(ListTries));
  Route(http, ctx, "GET", run + "/xcomEntries", "xcom_entries", Role::kViewer, bind(ListXComs));
}

}  // namespace sluice::web::api
