#include "web/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>

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

// httplib 0.11 answers each connection on one pool thread for as long as it is kept alive, so
// the pool must cover the clients' connections (its default is 8 threads: a ninth client would
// wait for one of the first eight to go idle). Kept-alive connections are limited by idleness
// (5 s) only, not by a request count, so that clients do not all reconnect together. Without
// TCP_NODELAY, Nagle's algorithm and delayed ACKs add 40 ms to most responses.
void TuneForLoad(httplib::Server& http) {
  constexpr size_t kThreads = 64;
  http.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  http.set_keep_alive_max_count(1000000);
  http.set_tcp_nodelay(true);
}

// httplib listens with a backlog of 5, compiled into the library with no setting for it: 50
// clients connecting at once overflow it, and each dropped handshake costs a 1 s (then 2 s)
// retransmit. The listening socket is remembered when httplib creates it (the only socket
// the server side makes) so that Start() can widen the backlog right after binding: Linux
// lets listen() be called again on a listening socket to change it.
std::shared_ptr<std::atomic<int>> RememberListeningSocket(httplib::Server& http) {
  auto fd = std::make_shared<std::atomic<int>>(-1);
  http.set_socket_options([fd](socket_t sock) {
    httplib::default_socket_options(sock);
    fd->store(sock);
  });
  return fd;
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
  TuneForLoad(*http_);
  auto listening = RememberListeningSocket(*http_);
  Routes();
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
  } else {
    port_ = http_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    return Status::IoError("cannot listen on " + options_.host + ":" +
                           std::to_string(options_.port) + " (in use? pick another with --port)");
  }
  if (int fd = listening->load(); fd >= 0) ::listen(fd, SOMAXCONN);
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
      JsonError(res, 404, "Not Found",
                "POST / serves the EMR API: X-Amz-Target must name "
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
