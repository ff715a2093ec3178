// The REST API's parts (private to src/web), each registering its own routes; api_routes.cc
// calls them in order. Route patterns match the decoded path; kSegment is one path segment.
#pragma once

namespace httplib {
class Server;
}

namespace sluice::web {
struct WebContext;
}

namespace sluice::web::api {

inline constexpr const char* kSegment = "([^/]+)";

void RegisterDagRoutes(httplib::Server& http, WebContext& ctx);           // api_dags.cc
void RegisterRunRoutes(httplib::Server& http, WebContext& ctx);           // api_runs.cc
void RegisterTaskInstanceRoutes(httplib::Server& http, WebContext& ctx);  // api_task_instances.cc
void RegisterLogRoutes(httplib::Server& http, WebContext& ctx);           // api_logs.cc
void RegisterGridRoutes(httplib::Server& http, WebContext& ctx);          // api_grid.cc
void RegisterClusterRoutes(httplib::Server& http, WebContext& ctx);       // api_clusters.cc
void RegisterStorageRoutes(httplib::Server& http, WebContext& ctx);       // api_storage.cc
void RegisterUserRoutes(httplib::Server& http, WebContext& ctx);          // api_users.cc
// Last: 404 in the API's error shape for any other /api/v1/ path.
void RegisterApiFallback(httplib::Server& http);

}  // namespace sluice::web::api
