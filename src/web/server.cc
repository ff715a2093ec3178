#include "web/server.h"

#include <httplib.h>

#include "cluster/local_emr_service.h"
#include "common/logging.h"
#include "orchestrator/emr_connect.h"
#include "orchestrator/local_credentials.h"
#include "web/emr_endpoint.h"
#include "web/routes.h"
#include "web/web_context.h"

namespace sluice::web {

struct Server::Services {
  std::unique_ptr<cluster::LocalEmrService> emr;
  WebContext ctx;
};

namespace {

storage::HttpHeaders HeadersOf(const httplib::Request& req) {
  storage::HttpHeaders headers;
  for (const auto& [name, value] : req.headers) headers.emplace_back(name, value);
  return headers;
}

void JsonError(httplib::Response& res, int status, const std::string& title,
               const std::string& detail) {
  res.status = status;
  nlohmann::json body{{"status", status}, {"title", title}, {"detail", detail}};
  res.set_content(body.dump(), "application/problem+json");
}

}  // namespace

Server::Server(orchestrator::SluiceHome home, orchestrator::MetadataStore* store,
               ServerOptions options)
    : home_(std::move(home)), store_(store), options_(std::move(options)) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  services_ = std::make_unique<Services>();
  services_->emr = orchestrator::MakeLocalEmrService(home_, store_);
  services_->ctx.home = home_;
  services_->ctx.store = store_;
  services_->ctx.emr = services_->emr.get();
  ASSIGN_OR_RETURN(services_->ctx.local_credentials, orchestrator::EnsureLocalCredentials(home_));
  http_ = std::make_unique<httplib::Server>();
  Routes();
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
  } else {
    port_ = http_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    return Status::IoError("cannot listen on " + options_.host + ":" +
                           std::to_string(options_.port) +
                           " (in use? pick another with --port)");
  }
  listener_ = std::thread([this] { http_->listen_after_bind(); });
  Log().info("event=server_started address={}:{}", options_.host, port_);
  return Status::OK();
}

void Server::Stop() {
  if (!http_) return;
  http_->stop();
  if (listener_.joinable()) listener_.join();
  http_.reset();
}

void Server::Routes() {
  RegisterEmrRoutes(*http_, services_->ctx);
  RegisterApiRoutes(*http_, services_->ctx);
  RegisterUiRoutes(*http_, services_->ctx);
}

void RegisterEmrRoutes(httplib::Server& http, WebContext& ctx) {
  http.Post("/", [&ctx](const httplib::Request& req, httplib::Response& res) {
    storage::HttpHeaders headers = HeadersOf(req);
    if (!IsEmrRequest(headers)) {
      JsonError(res, 404, "Not Found", "POST / serves the EMR API: X-Amz-Target must name "
                                       "ElasticMapReduce.<Operation>");
      return;
    }
    EmrHttpResponse out = HandleEmrRequest({req.method, req.target, headers, req.body},
                                           ctx.local_credentials, *ctx.emr);
    res.status = out.status;
    for (const auto& [name, value] : out.headers) res.set_header(name, value);
    res.set_content(out.body, out.content_type);
  });
}

}  // namespace sluice::web
