// `sluice server` (design.md §10): one HTTP port on 127.0.0.1 (unless configured otherwise)
// that carries the EMR-compatible API (a POST / with X-Amz-Target) and, under /api/v1/, the
// REST API. It serves on threads of its own until stopped.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "common/status.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"

namespace httplib {
class Server;
}

namespace sluice::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (tests)
};

class Server {
 public:
  // `store` must outlive the server.
  Server(orchestrator::SluiceHome home, orchestrator::MetadataStore* store,
         ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the port and starts serving; an error names the address that could not be bound.
  Status Start();
  int port() const { return port_; }
  // Stops accepting, finishes the requests in flight, and returns.
  void Stop();

 private:
  void Routes();

  orchestrator::SluiceHome home_;
  orchestrator::MetadataStore* store_;
  ServerOptions options_;
  std::unique_ptr<httplib::Server> http_;
  std::thread listener_;  // httplib's accept loop; its worker threads answer requests
  int port_ = 0;
  struct Services;
  std::unique_ptr<Services> services_;
};

}  // namespace sluice::web
