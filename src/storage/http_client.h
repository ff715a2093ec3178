// A small HTTP client on libcurl for Sluice's AWS clients (EMR now, S3 later): one request in,
// one response out, with connections kept alive between requests. One client may be shared
// by several threads; each request borrows an idle connection handle or makes a new one.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/http_headers.h"

namespace sluice::storage {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  // Sent as given (Host included, for signed requests). libcurl's own Expect and a default
  // Content-Type are suppressed, so what was signed is what is sent.
  HttpHeaders headers;
  std::string_view body;  // not owned: it must outlive Send()
  // When set, the response body goes here chunk by chunk instead of into HttpResponse::body
  // (ranged GETs into a caller's buffer). An error stops the transfer and is returned.
  std::function<Status(std::string_view chunk)> on_body;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names lower-cased, in the order they arrived
  std::string body;

  // The value of the header `name` (any case), or "" when absent.
  std::string Header(std::string_view name) const;
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{120'000};  // 0: no limit
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any answer from the server, 2xx or not, is a response. A transport failure (cannot
  // resolve or connect, timeout, dropped connection) is an IoError naming the method and the
  // URL without its query string, so no presigned secret can leak into a message.
  Result<HttpResponse> Send(const HttpRequest& request);

 private:
  struct Handle;
  std::unique_ptr<Handle> Borrow();
  void Return(std::unique_ptr<Handle> handle);

  HttpClientOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Handle>> idle_;  // each keeps its own live connections
};

}  // namespace sluice::storage
