// The Grid page's one payload (GET /api/v1/ui/grid/{dag_id}): the DAG's tasks in dependency
// order and its latest runs with every task's state, built from one query for the runs and
// one per run for their task instances (each a cached statement on an indexed key).
#include <httplib.h>

#include <set>

#include "web/api_dag_cache.h"
#include "web/api_routes_internal.h"
#include "web/api_util.h"
#include "web/web_context.h"

namespace sluice::web::api {

namespace {

using namespace orchestrator;

constexpr int kMaxRuns = 1000;

// Task ids in topological order; when the file no longer loads, in the order the task
// instances of the runs were created.
Json TaskOrder(const std::shared_ptr<const DagSpec>& dag, const Json& runs) {
  Json tasks = Json::array();
  if (dag) {
    for (size_t i : dag->topo_order) tasks.push_back(dag->tasks[i].id);
    return tasks;
  }
  std::set<std::string> seen;
  for (const auto& run : runs) {
    for (const auto& [id, state] : run["task_states"].items()) {
      if (seen.insert(id).second) tasks.push_back(id);
    }
  }
  return tasks;
}

void GetGrid(const httplib::Request& req, httplib::Response& res, WebContext& ctx) {
  std::string dag_id = req.matches[1].str();
  auto num_runs = IntParam(req, "num_runs", 25);
  if (!num_runs.ok()) return SendStatus(res, num_runs.status());
  if (*num_runs > kMaxRuns) return SendError(res, 400, "num_runs must be at most 1000");
  auto model = ctx.store->GetDag(dag_id);
  if (!model.ok()) return SendStatus(res, model.status());
  auto loaded = SharedDagCache().Load(*model);
  std::shared_ptr<const DagSpec> dag = loaded.ok() ? *loaded : nullptr;
  DagRunQuery q;
  q.dag_id = dag_id;
  auto runs = ctx.store->ListDagRuns(q);  // all of them, for total_entries
  if (!runs.ok()) return SendStatus(res, runs.status());
  size_t shown = std::min(runs->size(), static_cast<size_t>(*num_runs));
  Json out_runs = Json::array();
  for (size_t i = shown; i-- > 0;) {  // oldest first: the grid's columns left to right
    const DagRunModel& r = (*runs)[i];
    auto tis = ctx.store->ListTaskInstances(r.key());
    if (!tis.ok()) return SendStatus(res, tis.status());
    Json states = Json::object();
    for (const auto& ti : *tis) states[ti.task_id] = ToString(ti.state);
    out_runs.push_back({{"run_id", r.run_id},
                        {"state", ToString(r.state)},
                        {"run_type", ToString(r.run_type)},
                        {"logical_date", FormatIso8601(r.logical_date)},
                        {"start_date", TimeJson(r.start_date)},
                        {"end_date", TimeJson(r.end_date)},
                        {"task_states", std::move(states)}});
  }
  Json tasks = TaskOrder(dag, out_runs);
  SendJson(res, {{"dag_id", dag_id},
                 {"tasks", std::move(tasks)},
                 {"runs", std::move(out_runs)},
                 {"total_entries", runs->size()}});
}

}  // namespace

void RegisterGridRoutes(httplib::Server& http, WebContext& ctx) {
  Route(http, ctx, "GET", std::string("/api/v1/ui/grid/") + kSegment, "ui_grid", Role::kViewer,
        [&ctx](const httplib::Request& req, httplib::Response& res, const Principal&) {
          GetGrid(req, res, ctx);
        });
}

}  // namespace sluice::web::api
