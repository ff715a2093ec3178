// S3Client: addressing, signing, sending with retries, and the single-request operations.
#include "storage/s3_client.h"

#include <algorithm>

#include "storage/s3_client_internal.h"
#include "storage/s3_xml.h"
#include "storage/sigv4.h"

namespace sluice::storage {
namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The host name without a port ("[::1]" stays bracketed).
std::string_view HostName(std::string_view host) {
  if (host.starts_with('[')) return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.find(':'));
}

}  // namespace

S3Client::S3Client(S3ClientOptions options)
    : options_(std::move(options)), http_(std::make_unique<HttpClient>(options_.http)) {}

S3Client::~S3Client() = default;

Result<std::shared_ptr<S3Client>> S3Client::Make(S3ClientOptions options) {
  const std::string& url = options.endpoint_url;
  size_t scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("S3 endpoint '" + url + "' must be an http:// or https:// URL");
  }
  size_t host_start = scheme_end + 3;
  size_t path_start = std::min(url.find('/', host_start), url.size());
  std::string host = url.substr(host_start, path_start - host_start);
  std::string base_path = url.substr(path_start);
  while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();
  if (host.empty() || host.find_first_of("@?# ") != std::string::npos ||
      base_path.find_first_of("?# ") != std::string::npos) {
    return Status::InvalidArgument("S3 endpoint '" + url +
                                   "' must look like http(s)://host[:port][/path]");
  }
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("S3 endpoint " + url +
                                   ": credentials need an access key id and a secret access key");
  }
  if (options.part_size < (int64_t{1} << 20) || options.part_size > (int64_t{5} << 30)) {
    return Status::InvalidArgument("S3 part size " + std::to_string(options.part_size) +
                                   " is outside 1 MiB..5 GiB (S3 needs at least 5 MiB)");
  }
  if (options.region.empty()) options.region = "us-east-1";
  if (options.max_parallel_parts < 1) options.max_parallel_parts = 1;
  options.multipart_threshold = std::max(options.multipart_threshold, options.part_size);
  std::string_view name = HostName(host);
  bool aws = EndsWith(name, ".amazonaws.com") || EndsWith(name, ".amazonaws.com.cn");
  std::shared_ptr<S3Client> client(new S3Client(std::move(options)));
  client->scheme_ = scheme;
  client->host_ = host;
  client->base_path_ = base_path;
  client->aws_endpoint_ = aws;
  return client;
}

Result<HttpResponse> S3Client::SendOnce(const Call& call) const {
  bool https = scheme_ == "https";
  bool virtual_host = options_.addressing == S3Addressing::kVirtualHost ||
                      (options_.addressing == S3Addressing::kAuto && aws_endpoint_ &&
                       internal::VirtualHostable(call.bucket, https));
  SigV4Request request;
  request.method = call.method;
  std::string host = virtual_host ? call.bucket + "." + host_ : host_;
  request.path = base_path_;
  if (!virtual_host) request.path += "/" + UriEncode(call.bucket, true);
  if (virtual_host || !call.key.empty()) request.path += "/" + S3EncodeKey(call.key);
  request.query = internal::EncodeQuery(call.query);
  request.headers = {{"Host", host}};
  request.headers.insert(request.headers.end(), call.headers.begin(), call.headers.end());
  if (!call.body.empty()) request.payload_sha256 = Sha256Hex(call.body);
  SigV4Options sign{options_.region, "s3", Now(), /*s3_path=*/true, /*add_content_sha256=*/true};
  ASSIGN_OR_RETURN(SigV4Signature signature, SignV4(request, options_.credentials, sign));

  HttpRequest http;
  http.method = call.method;
  http.url = scheme_ + "://" + host + request.path;
  if (!request.query.empty()) http.url += "?" + request.query;
  http.headers = std::move(request.headers);
  http.headers.insert(http.headers.end(), signature.headers.begin(), signature.headers.end());
  http.body = call.body;
  http.on_body = call.on_body;
  return http_->Send(http);
}

Result<HttpResponse> S3Client::Execute(const Call& call) const {
  const int max_attempts = std::max(1, options_.backoff.max_attempts);
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> response = SendOnce(call);
    bool last = attempt >= max_attempts;
    if (!response.ok()) {
      // Only transport failures can go better on another try; a request that cannot be
      // signed cannot.
      if (response.status().code() != StatusCode::kIoError) return response.status();
      if (last) {
        return internal::S3TransportStatus(response.status(), call.operation, call.bucket, call.key,
                                           attempt);
      }
      SleepBeforeRetry(options_.backoff, attempt - 1);
      continue;
    }
    int status = response->status;
    bool failed = status < 200 || status >= 300;
    // CopyObject and CompleteMultipartUpload may fail after their 200 header went out.
    if (!failed && !call.success_element.empty() &&
        !internal::XmlHas(response->body, call.success_element) &&
        internal::XmlHas(response->body, "Error")) {
      failed = true;
      status = 500;
    }
    if (!failed) return response;
    internal::S3ErrorInfo error = internal::ParseS3Error(status, response->body);
    if (!last && internal::IsRetryableS3Error(error)) {
      SleepBeforeRetry(options_.backoff, attempt - 1);
      continue;
    }
    return internal::S3ErrorStatus(error, options_, call.operation, call.bucket, call.key, attempt);
  }
}

Result<S3ObjectMeta> S3Client::HeadObject(std::string_view bucket, std::string_view key) const {
  RETURN_NOT_OK(internal::ValidateBucketName(bucket));
  RETURN_NOT_OK(internal::ValidateS3Key(key));
  Call call{"HeadObject", "HEAD", std::string(bucket), std::string(key)};
  ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
  S3ObjectMeta meta;
  meta.key = std::string(key);
  meta.size = std::atoll(response.Header("content-length").c_str());
  meta.mtime_ms = internal::ParseHttpDateMs(response.Header("last-modified"));
  meta.etag = response.Header("etag");
  return meta;
}

Status S3Client::DeleteObject(std::string_view bucket, std::string_view key) const {
  RETURN_NOT_OK(internal::ValidateBucketName(bucket));
  RETURN_NOT_OK(internal::ValidateS3Key(key));
  Call call{"DeleteObject", "DELETE", std::string(bucket), std::string(key)};
  Result<HttpResponse> response = Execute(call);
  if (!response.ok() && S3ErrorCode(response.status()) != "NoSuchKey") return response.status();
  return Status::OK();
}

Status S3Client::PutObject(std::string_view bucket, std::string_view key, std::string_view data,
                           const S3PutOptions& put) const {
  if (static_cast<int64_t>(data.size()) > options_.multipart_threshold) {
    return PutObjectMultipart(bucket, key, data, put);
  }
  return PutObjectSingle(bucket, key, data, put);
}

Status S3Client::PutObjectSingle(std::string_view bucket, std::string_view key,
                                 std::string_view data, const S3PutOptions& put) const {
  RETURN_NOT_OK(internal::ValidateBucketName(bucket));
  RETURN_NOT_OK(internal::ValidateS3Key(key));
  Call call{"PutObject", "PUT", std::string(bucket), std::string(key)};
  if (!put.content_type.empty()) call.headers.emplace_back("Content-Type", put.content_type);
  if (put.if_none_match) call.headers.emplace_back("If-None-Match", "*");
  call.body = data;
  return Execute(call).status();
}

Status S3Client::CreateBucket(std::string_view bucket) const {
  RETURN_NOT_OK(internal::ValidateBucketName(bucket));
  Call call{"CreateBucket", "PUT", std::string(bucket), ""};
  std::string body;
  if (options_.region != "us-east-1") {
    body =
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>" +
        internal::XmlEscape(options_.region) + "</LocationConstraint></CreateBucketConfiguration>";
    call.body = body;
  }
  return Execute(call).status();
}

Status S3Client::CopyObject(std::string_view bucket, std::string_view from_key,
                            std::string_view to_key, int64_t size) const {
  RETURN_NOT_OK(internal::ValidateBucketName(bucket));
  RETURN_NOT_OK(internal::ValidateS3Key(from_key));
  RETURN_NOT_OK(internal::ValidateS3Key(to_key));
  if (size < 0) {
    ASSIGN_OR_RETURN(S3ObjectMeta meta, HeadObject(bucket, from_key));
    size = meta.size;
  }
  if (size > options_.multipart_copy_threshold) {
    return CopyObjectMultipart(bucket, from_key, to_key, size);
  }
  Call call{"CopyObject", "PUT", std::string(bucket), std::string(to_key)};
  call.headers.emplace_back("x-amz-copy-source",
                            "/" + std::string(bucket) + "/" + S3EncodeKey(from_key));
  call.success_element = "CopyObjectResult";
  return Execute(call).status().WithContext("copying " + S3Uri(bucket, from_key));
}

}  // namespace sluice::storage
