#include "web/api_util.h"

#include <httplib.h>

#include <charconv>

#include "common/logging.h"
#include "web/api_handler_gate.h"
#include "web/auth_internal.h"

namespace sluice::web::api {

namespace {

thread_local std::string t_route;

std::string_view TitleOf(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 429:
      return "Too Many Requests";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

std::string TypeOf(int status) {
  std::string title(TitleOf(status));
  std::erase(title, ' ');
  return "/api/v1/errors/" + title;
}

bool IsStateChanging(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

}  // namespace

std::string Dump(const Json& body) {
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void SendJson(httplib::Response& res, const Json& body, int status) {
  res.status = status;
  res.set_content(Dump(body), "application/json");
}

void SendError(httplib::Response& res, int status, std::string_view detail) {
  Json body{
      {"status", status}, {"title", TitleOf(status)}, {"detail", detail}, {"type", TypeOf(status)}};
  res.status = status;
  res.set_content(Dump(body), "application/problem+json");
}

int HttpStatusOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kInvalidArgument:
    case StatusCode::kParseError:
      return 400;
    case StatusCode::kNotSupported:
      return 501;
    default:
      return 500;
  }
}

void SendStatus(httplib::Response& res, const Status& status) {
  SendError(res, HttpStatusOf(status), status.message());
}

Json TimeJson(const std::optional<TimePoint>& t) {
  return t ? Json(FormatIso8601(*t)) : Json(nullptr);
}

Json SecondsJson(const std::optional<Micros>& d) {
  return d ? Json(static_cast<double>(d->count()) / 1e6) : Json(nullptr);
}

Result<int64_t> IntParam(const httplib::Request& req, const std::string& name, int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  std::string text = req.get_param_value(name);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return Status::InvalidArgument("query parameter " + name +
                                   " must be a non-negative integer, got '" + text + "'");
  }
  return value;
}

Result<Page> ParsePage(const httplib::Request& req, int default_limit, int max_limit) {
  Page page;
  ASSIGN_OR_RETURN(int64_t limit, IntParam(req, "limit", default_limit));
  ASSIGN_OR_RETURN(int64_t offset, IntParam(req, "offset", 0));
  if (limit > max_limit) {
    return Status::InvalidArgument("query parameter limit must be at most " +
                                   std::to_string(max_limit));
  }
  if (offset > INT32_MAX) return Status::InvalidArgument("query parameter offset is too large");
  page.limit = static_cast<int>(limit);
  page.offset = static_cast<int>(offset);
  return page;
}

Json PageOf(std::string_view key, const std::vector<Json>& all, const Page& page) {
  Json items = Json::array();
  size_t begin = std::min(all.size(), static_cast<size_t>(page.offset));
  size_t end = std::min(all.size(), begin + static_cast<size_t>(page.limit));
  for (size_t i = begin; i < end; ++i) items.push_back(all[i]);
  return {{std::string(key), std::move(items)}, {"total_entries", all.size()}};
}

Result<bool> BoolParam(const httplib::Request& req, const std::string& name, bool fallback) {
  if (!req.has_param(name)) return fallback;
  std::string v = req.get_param_value(name);
  if (v == "true" || v == "1" || v == "True") return true;
  if (v == "false" || v == "0" || v == "False") return false;
  return Status::InvalidArgument("query parameter " + name + " must be true or false, got '" + v +
                                 "'");
}

std::vector<std::string> ListParam(const httplib::Request& req, const std::string& name) {
  std::vector<std::string> out;
  size_t n = req.get_param_value_count(name);
  for (size_t i = 0; i < n; ++i) {
    std::string v = req.get_param_value(name, i);
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      if (comma > start) out.push_back(v.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

Result<Json> JsonObjectBody(const httplib::Request& req) {
  if (req.body.empty()) return Json::object();
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return Status::InvalidArgument("the request body is not valid JSON");
  if (!body.is_object()) return Status::InvalidArgument("the request body must be a JSON object");
  return body;
}

bool Prefers(const httplib::Request& req, std::string_view mime, std::string_view over) {
  std::string accept = req.get_header_value("Accept");
  size_t want = accept.find(mime);
  if (want == std::string::npos) return false;
  size_t other = accept.find(over);
  return other == std::string::npos || want < other;
}

const std::string& CurrentRoute() { return t_route; }
void SetCurrentRoute(std::string route) { t_route = std::move(route); }

void Route(httplib::Server& http, WebContext& ctx, std::string_view method,
           const std::string& pattern, std::string route, Role needed, Handler handler) {
  auto wrapped = [&ctx, route, needed, handler = std::move(handler)](const httplib::Request& req,
                                                                     httplib::Response& res) {
    SetCurrentRoute(route);
    HandlerSlot slot;
    AuthOutcome auth = AuthenticateRequest(req, ctx);
    if (!auth.principal) return SendAuthFailure(req, res, auth);
    const Principal& who = *auth.principal;
    if (IsStateChanging(req.method) && !CsrfOk(req, who)) {
      return SendError(res, 403,
                       "this request needs the header X-CSRF-Token with the value of "
                       "the sluice_csrf cookie");
    }
    if (!MayAct(who, needed)) {
      return SendError(res, 403,
                       "user '" + who.username + "' (role " + who.role +
                           ") may not do this: it needs role " + std::string(RoleName(needed)));
    }
    try {
      handler(req, res, who);
    } catch (const std::exception& e) {
      Log().error("event=api_error route={} error={}", route, e.what());
      SendError(res, 500, std::string("internal error: ") + e.what());
    }
  };
  if (method == "GET") {
    http.Get(pattern, wrapped);
  } else if (method == "POST") {
    http.Post(pattern, wrapped);
  } else if (method == "PATCH") {
    http.Patch(pattern, wrapped);
  } else if (method == "DELETE") {
    http.Delete(pattern, wrapped);
  } else if (method == "PUT") {
    http.Put(pattern, wrapped);
  }
}

}  // namespace sluice::web::api
