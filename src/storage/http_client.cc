// HttpClient on libcurl easy handles. Handles are pooled: libcurl keeps a handle's connections
// open after a transfer, so borrowing an idle handle reuses its keep-alive connection.
#include "storage/http_client.h"

#include <curl/curl.h>

#include <cctype>

namespace sluice::storage {
namespace {

constexpr size_t kMaxIdleHandles = 16;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// What a transfer collects; the callbacks see it through their userdata pointer.
struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
  Status sink_status;
};

size_t OnBody(char* data, size_t size, size_t count, void* userdata) {
  auto* transfer = static_cast<Transfer*>(userdata);
  std::string_view chunk(data, size * count);
  if (!transfer->request->on_body) {
    transfer->response->body.append(chunk);
    return chunk.size();
  }
  transfer->sink_status = transfer->request->on_body(chunk);
  return transfer->sink_status.ok() ? chunk.size() : 0;
}

size_t OnHeader(char* data, size_t size, size_t count, void* userdata) {
  auto* response = static_cast<Transfer*>(userdata)->response;
  std::string_view line(data, size * count);
  // A new status line (after "100 Continue") starts a new set of headers.
  if (line.substr(0, 5) == "HTTP/") response->headers.clear();
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  response->headers.emplace_back(std::move(name), std::string(value));
  return line.size();
}

// The URL for messages: without user info or query string.
std::string UrlForMessages(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  size_t scheme_end = url.find("://");
  size_t at = url.find('@');
  if (scheme_end == std::string_view::npos || at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, scheme_end + 3)) + std::string(url.substr(at + 1));
}

curl_slist* HeaderList(const HttpRequest& request) {
  curl_slist* list = nullptr;
  for (const auto& [name, value] : request.headers) {
    // "Name;" is how libcurl is told to send a header with an empty value.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    list = curl_slist_append(list, line.c_str());
  }
  list = curl_slist_append(list, "Expect:");
  if (!FindHeader(request.headers, "content-type")) list = curl_slist_append(list, "Content-Type:");
  return list;
}

void SetMethod(CURL* curl, const HttpRequest& request) {
  if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    bool sends_body = !request.body.empty() || request.method == "POST" || request.method == "PUT";
    if (sends_body) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      // A null pointer would mean "no body" to libcurl even with a size of 0.
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
    }
  }
}

void Configure(CURL* curl, const HttpClientOptions& options, Transfer* transfer,
               curl_slist* headers, char* error_buffer) {
  curl_easy_setopt(curl, CURLOPT_URL, transfer->request->url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "sluice/" SLUICE_VERSION);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, transfer);
  SetMethod(curl, *transfer->request);
}

}  // namespace

struct HttpClient::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

std::string HttpResponse::Header(std::string_view name) const {
  return FindHeader(headers, name).value_or("");
}

HttpClient::HttpClient(HttpClientOptions options) : options_(options) { GlobalInit(); }

HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClient::Handle> HttpClient::Borrow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Handle> handle = std::move(idle_.back());
      idle_.pop_back();
      // Clears the previous request's options; the handle's open connections stay.
      curl_easy_reset(handle->curl);
      return handle;
    }
  }
  auto handle = std::make_unique<Handle>();
  handle->curl = curl_easy_init();
  return handle->curl ? std::move(handle) : nullptr;
}

void HttpClient::Return(std::unique_ptr<Handle> handle) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleHandles) idle_.push_back(std::move(handle));
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  std::unique_ptr<Handle> handle = Borrow();
  if (!handle) return Status::Internal("cannot create a libcurl handle");
  HttpResponse response;
  Transfer transfer{&request, &response, Status::OK()};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = HeaderList(request);
  Configure(handle->curl, options_, &transfer, headers, error_buffer);
  CURLcode rc = curl_easy_perform(handle->curl);
  long status = 0;
  curl_easy_getinfo(handle->curl, CURLINFO_RESPONSE_CODE, &status);
  // The pooled handle must not keep pointers into this call's stack and header list.
  curl_easy_setopt(handle->curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(handle->curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  Return(std::move(handle));
  if (!transfer.sink_status.ok()) return transfer.sink_status;
  if (rc != CURLE_OK) {
    std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
    return Status::IoError(request.method + " " + UrlForMessages(request.url) + ": " + detail);
  }
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace sluice::storage
