// What every REST endpoint shares (private to src/web): JSON answers and Airflow's error
// shape, query parameters and limit/offset pages, request bodies, and Route(), which checks
// credentials, role and CSRF before a handler runs and turns a stray exception into a 500.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time_util.h"
#include "web/auth.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace sluice::web::api {

using Json = nlohmann::json;

// Serialises with invalid UTF-8 replaced (logs and files are served as they are).
std::string Dump(const Json& body);
void SendJson(httplib::Response& res, const Json& body, int status = 200);
// {"status", "title", "detail", "type"} as application/problem+json.
void SendError(httplib::Response& res, int status, std::string_view detail);
// NotFound 404, AlreadyExists 409, InvalidArgument/ParseError 400, NotSupported 501, else 500.
int HttpStatusOf(const Status& status);
void SendStatus(httplib::Response& res, const Status& status);

Json TimeJson(const std::optional<TimePoint>& t);
Json SecondsJson(const std::optional<Micros>& d);  // float seconds or null

// limit (default `default_limit`, at most `max_limit`) and offset; errors name the parameter.
struct Page {
  int limit = 100;
  int offset = 0;
};
Result<Page> ParsePage(const httplib::Request& req, int default_limit = 100, int max_limit = 1000);
// Applies a page to every item: {"<key>": [page], "total_entries": all.size()}.
Json PageOf(std::string_view key, const std::vector<Json>& all, const Page& page);

// A boolean query parameter ("true"/"false"/"1"/"0"); `fallback` when absent.
Result<bool> BoolParam(const httplib::Request& req, const std::string& name, bool fallback);
// A non-negative integer query parameter; `fallback` when absent.
Result<int64_t> IntParam(const httplib::Request& req, const std::string& name, int64_t fallback);
// Every value of a repeatable query parameter (also comma-separated ones).
std::vector<std::string> ListParam(const httplib::Request& req, const std::string& name);

// The body as a JSON object (an empty body is {}); InvalidArgument otherwise.
Result<Json> JsonObjectBody(const httplib::Request& req);

// Whether the request's Accept names `mime`, and before `over` if it names both.
bool Prefers(const httplib::Request& req, std::string_view mime, std::string_view over);

using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Principal&)>;

// Registers `handler` for `method` ("GET", "POST", "PATCH", "DELETE") and `pattern` (a
// regex over the decoded path). `route` names it in metrics. The handler runs only for
// credentials whose role may act as `needed`, with CSRF checked for sessions.
void Route(httplib::Server& http, WebContext& ctx, std::string_view method,
           const std::string& pattern, std::string route, Role needed, Handler handler);

// The route label of the request this thread is answering ("" outside Route's handlers).
const std::string& CurrentRoute();
void SetCurrentRoute(std::string route);

}  // namespace sluice::web::api
