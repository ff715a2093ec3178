// DAGs: list, one, pause/unpause, their tasks, their source files and import errors.
#include <httplib.h>

#include <algorithm>
#include <functional>

#include "storage/object_store.h"
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

std::string Seg(const std::string& rest) { return std::string(kSegment) + rest; }

bool HasAnyTag(const DagModel& dag, const std::vector<std::string>& tags) {
  if (tags.empty()) return true;
  for (const auto& t : dag.tags) {
    if (std::find(tags.begin(), tags.end(), t) != tags.end()) return true;
  }
  return false;
}

// The DAGs GET /dags's query asks for, by dag_id.
Result<std::vector<DagModel>> FilteredDags(const Request& req, WebContext& ctx) {
  DagFilter filter;
  ASSIGN_OR_RETURN(bool only_active, BoolParam(req, "only_active", true));
  filter.include_inactive = !only_active;
  if (req.has_param("paused")) {
    ASSIGN_OR_RETURN(bool paused, BoolParam(req, "paused", false));
    filter.is_paused = paused;
  }
  ASSIGN_OR_RETURN(std::vector<DagModel> dags, ctx.store->ListDags(filter));
  std::string pattern = req.get_param_value("dag_id_pattern");
  std::vector<std::string> tags = ListParam(req, "tags");
  std::vector<DagModel> out;
  for (auto& d : dags) {
    if (!pattern.empty() && d.dag_id.find(pattern) == std::string::npos) continue;
    if (!HasAnyTag(d, tags)) continue;
    out.push_back(std::move(d));
  }
  return out;
}

void ListDags(const Request& req, Response& res, WebContext& ctx) {
  auto page = ParsePage(req);
  if (!page.ok()) return SendStatus(res, page.status());
  auto dags = FilteredDags(req, ctx);
  if (!dags.ok()) return SendStatus(res, dags.status());
  std::vector<Json> items;
  for (const auto& d : *dags) items.push_back(DagJson(d));
  SendJson(res, PageOf("dags", items, *page));
}

// The DAG list page's payload: each DAG with its latest runs.
void ListDagsWithRuns(const Request& req, Response& res, WebContext& ctx) {
  auto page = ParsePage(req);
  if (!page.ok()) return SendStatus(res, page.status());
  auto num_runs = IntParam(req, "num_runs", 5);
  if (!num_runs.ok()) return SendStatus(res, num_runs.status());
  if (*num_runs > 100) return SendError(res, 400, "num_runs must be at most 100");
  auto dags = FilteredDags(req, ctx);
  if (!dags.ok()) return SendStatus(res, dags.status());
  size_t begin = std::min(dags->size(), static_cast<size_t>(page->offset));
  size_t end = std::min(dags->size(), begin + static_cast<size_t>(page->limit));
  Json items = Json::array();
  for (size_t i = begin; i < end; ++i) {
    Json dag = DagJson((*dags)[i]);
    DagRunQuery q;
    q.dag_id = (*dags)[i].dag_id;
    q.limit = static_cast<int>(*num_runs);
    Json recent = Json::array();
    if (q.limit > 0) {
      auto runs = ctx.store->ListDagRuns(q);
      if (!runs.ok()) return SendStatus(res, runs.status());
      for (const auto& r : *runs) {
        recent.push_back({{"run_id", r.run_id},
                          {"state", ToString(r.state)},
                          {"logical_date", FormatIso8601(r.logical_date)},
                          {"start_date", TimeJson(r.start_date)},
                          {"end_date", TimeJson(r.end_date)}});
      }
    }
    dag["recent_runs"] = std::move(recent);
    items.push_back(std::move(dag));
  }
  SendJson(res, {{"dags", std::move(items)}, {"total_entries", dags->size()}});
}

void GetDag(const Request& req, Response& res, WebContext& ctx) {
  auto dag = ctx.store->GetDag(req.matches[1].str());
  if (!dag.ok()) return SendStatus(res, dag.status());
  SendJson(res, DagJson(*dag));
}

void PatchDag(const Request& req, Response& res, WebContext& ctx) {
  std::string dag_id = req.matches[1].str();
  auto body = JsonObjectBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  auto paused = body->find("is_paused");
  if (paused == body->end() || !paused->is_boolean()) {
    return SendError(res, 400, "the body must be {\"is_paused\": true|false}");
  }
  if (Status st = ctx.store->SetDagPaused(dag_id, paused->get<bool>()); !st.ok()) {
    return SendStatus(res, st);
  }
  auto dag = ctx.store->GetDag(dag_id);
  if (!dag.ok()) return SendStatus(res, dag.status());
  SendJson(res, DagJson(*dag));
}

void ListTasks(const Request& req, Response& res, WebContext& ctx) {
  auto model = ctx.store->GetDag(req.matches[1].str());
  if (!model.ok()) return SendStatus(res, model.status());
  auto dag = SharedDagCache().Load(*model);
  if (!dag.ok()) return SendStatus(res, dag.status());
  std::vector<int> order((*dag)->tasks.size());
  for (size_t pos = 0; pos < (*dag)->topo_order.size(); ++pos) {
    order[(*dag)->topo_order[pos]] = static_cast<int>(pos);
  }
  Json tasks = Json::array();
  for (size_t i = 0; i < (*dag)->tasks.size(); ++i) {
    tasks.push_back(TaskJson((*dag)->tasks[i], order[i]));
  }
  SendJson(res, {{"tasks", tasks}, {"total_entries", tasks.size()}});
}

// Only files the metadata DB knows (a DAG's fileloc or an import error's file) are served.
Result<bool> IsKnownFile(WebContext& ctx, const std::string& fileloc) {
  DagFilter all;
  all.include_inactive = true;
  ASSIGN_OR_RETURN(std::vector<DagModel> dags, ctx.store->ListDags(all));
  for (const auto& d : dags) {
    if (d.fileloc == fileloc) return true;
  }
  ASSIGN_OR_RETURN(std::vector<ImportErrorModel> errors, ctx.store->ListImportErrors());
  for (const auto& e : errors) {
    if (e.filename == fileloc) return true;
  }
  return false;
}

void GetDagSource(const Request& req, Response& res, WebContext& ctx) {
  std::optional<std::string> fileloc = FilelocOf(req.matches[1].str());
  if (!fileloc || fileloc->empty()) return SendError(res, 400, "malformed file_token");
  auto known = IsKnownFile(ctx, *fileloc);
  if (!known.ok()) return SendStatus(res, known.status());
  if (!*known) return SendError(res, 404, "no DAG file has this file_token");
  auto where = storage::ResolveUri(*fileloc);
  if (!where.ok()) return SendStatus(res, where.status());
  auto text = where->store->Get(where->key);
  if (!text.ok()) return SendStatus(res, text.status());
  if (Prefers(req, "application/json", "text/plain")) return SendJson(res, {{"content", *text}});
  res.set_content(*text, "text/plain; charset=utf-8");
}

// A stable id for an import error: its file's name hashed into 31 bits.
int64_t ImportErrorId(const std::string& filename) {
  return static_cast<int64_t>(std::hash<std::string>{}(filename)&0x7fffffff);
}

void ListImportErrors(const Request& req, Response& res, WebContext& ctx) {
  auto page = ParsePage(req);
  if (!page.ok()) return SendStatus(res, page.status());
  auto errors = ctx.store->ListImportErrors();
  if (!errors.ok()) return SendStatus(res, errors.status());
  std::vector<Json> items;
  for (const auto& e : *errors) {
    items.push_back({{"import_error_id", ImportErrorId(e.filename)},
                     {"filename", e.filename},
                     {"file_token", FileToken(e.filename)},
                     {"stack_trace", e.message},
                     {"timestamp", FormatIso8601(e.timestamp)}});
  }
  SendJson(res, PageOf("import_errors", items, *page));
}

}  // namespace

void RegisterDagRoutes(httplib::Server& http, WebContext& ctx) {
  auto bind = [&ctx](void (*fn)(const Request&, Response&, WebContext&)) {
    return [&ctx, fn](const Request& req, Response& res, const Principal&) { fn(req, res, ctx); };
  };
  Route(http, ctx, "GET", "/api/v1/dags", "dags", Role::kViewer, bind(ListDags));
  Route(http, ctx, "GET", "/api/v1/ui/dags", "ui_dags", Role::kViewer, bind(ListDagsWithRuns));
  Route(http, ctx, "GET", "/api/v1/dags/" + Seg(""), "dag", Role::kViewer, bind(GetDag));
  Route(http, ctx, "PATCH", "/api/v1/dags/" + Seg(""), "dag_patch", Role::kOp, bind(PatchDag));
  Route(http, ctx, "GET", "/api/v1/dags/" + Seg("/tasks"), "dag_tasks", Role::kViewer,
        bind(ListTasks));
  Route(http, ctx, "GET", "/api/v1/dagSources/" + Seg(""), "dag_source", Role::kViewer,
        bind(GetDagSource));
  Route(http, ctx, "GET", "/api/v1/importErrors", "import_errors", Role::kViewer,
        bind(ListImportErrors));
}

}  // namespace sluice::web::api
