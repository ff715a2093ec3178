// A task try's log (GET .../taskInstances/{task_id}/logs/{try_number}), whole or tailed.
#include <httplib.h>

#include "web/api_log_chunk.h"
#include "web/api_routes_internal.h"
#include "web/api_util.h"
#include "web/web_context.h"

namespace sluice::web::api {

namespace {

using namespace orchestrator;

void GetTaskLog(const httplib::Request& req, httplib::Response& res, WebContext& ctx) {
  TaskInstanceKey key{req.matches[1].str(), req.matches[2].str(), req.matches[3].str()};
  std::string try_text = req.matches[4].str();
  int wanted = std::atoi(try_text.c_str());
  if (try_text.empty() || try_text.find_first_not_of("0123456789") != std::string::npos ||
      wanted <= 0) {
    return SendError(res, 400, "the try number must be a positive integer, got '" + try_text + "'");
  }
  if (Status st = ctx.store->GetTaskInstance(key).status(); !st.ok()) return SendStatus(res, st);
  // The try's state is read before its file, so "ended" never claims bytes not yet read.
  auto tries = ctx.store->ListTries(key);
  if (!tries.ok()) return SendStatus(res, tries.status());
  for (const auto& t : *tries) {
    if (t.try_number == wanted) return SendLog(req, res, t.log_path, t.end_date.has_value());
  }
  SendError(res, 404,
            "task " + key.task_id + " of run " + key.run_id + " has no try " + try_text +
                " (it has " + std::to_string(tries->size()) + ")");
}

}  // namespace

void RegisterLogRoutes(httplib::Server& http, WebContext& ctx) {
  Route(http, ctx, "GET",
        std::string("/api/v1/dags/") + kSegment + "/dagRuns/" + kSegment + "/taskInstances/" +
            kSegment + "/logs/" + kSegment,
        "task_log", Role::kViewer,
        [&ctx](const httplib::Request& req, httplib::Response& res, const Principal&) {
          GetTaskLog(req, res, ctx);
        });
}

}  // namespace sluice::web::api
