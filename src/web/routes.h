// Each part of the server registers its own routes on the one port (design.md §10).
#pragma once

namespace httplib {
class Server;
}

namespace sluice::web {

struct WebContext;

// POST / with X-Amz-Target: ElasticMapReduce.* (emr_endpoint.h).
void RegisterEmrRoutes(httplib::Server& http, WebContext& ctx);
// /api/v1/... (Airflow's stable REST API shapes and Sluice's own), /metrics, and the
// login/logout endpoints with users, roles, sessions and CSRF.
void RegisterApiRoutes(httplib::Server& http, WebContext& ctx);
// The UI: pages at / and their assets, built into the binary.
void RegisterUiRoutes(httplib::Server& http, WebContext& ctx);

}  // namespace sluice::web
