// Listing and batch deletion: ListObjectsV2 with continuation tokens, DeleteObjects in batches
// of 1000 keys, and the multipart uploads still open under a prefix.
#include <algorithm>

#include "storage/s3_client.h"
#include "storage/s3_client_internal.h"
#include "storage/s3_xml.h"

namespace sluice::storage {
namespace {

constexpr size_t kDeleteBatch = 1000;  // S3's limit per DeleteObjects request

S3ObjectMeta ParseContents(std::string_view contents) {
  S3ObjectMeta meta;
  meta.key = internal::XmlText(contents, "Key");
  meta.size = std::atoll(internal::XmlText(contents, "Size").c_str());
  meta.mtime_ms = internal::ParseIsoTimeMs(internal::XmlText(contents, "LastModified"));
  meta.etag = internal::XmlText(contents, "ETag");
  return meta;
}

}  // namespace

Result<S3ListPage> S3Client::ListObjectsV2(std::string_view bucket, std::string_view prefix,
                                           std::string_view continuation_token, int max_keys,
                                           std::string_view delimiter) const {
  RETURN_NOT_OK(internal::ValidateBucketName(bucket));
  Call call{"ListObjectsV2", "GET", std::string(bucket), ""};
  call.query.emplace_back("list-type", "2");
  if (!continuation_token.empty()) {
    call.query.emplace_back("continuation-token", std::string(continuation_token));
  }
  if (!delimiter.empty()) call.query.emplace_back("delimiter", std::string(delimiter));
  call.query.emplace_back("max-keys", std::to_string(std::clamp(max_keys, 1, 1000)));
  if (!prefix.empty()) call.query.emplace_back("prefix", std::string(prefix));
  ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
  S3ListPage page;
  for (std::string_view contents : internal::XmlElements(response.body, "Contents")) {
    page.objects.push_back(ParseContents(contents));
  }
  for (std::string_view common : internal::XmlElements(response.body, "CommonPrefixes")) {
    page.common_prefixes.push_back(internal::XmlText(common, "Prefix"));
  }
  if (internal::XmlText(response.body, "IsTruncated") == "true") {
    page.next_continuation_token = internal::XmlText(response.body, "NextContinuationToken");
    if (page.next_continuation_token.empty()) {
      return Status::IoError(S3Uri(bucket, prefix) + ": S3 ListObjectsV2 at " +
                             options_.endpoint_url +
                             " said the listing goes on but gave no continuation token");
    }
  }
  return page;
}

Result<std::vector<S3ObjectMeta>> S3Client::ListAllObjects(std::string_view bucket,
                                                           std::string_view prefix,
                                                           int page_size) const {
  std::vector<S3ObjectMeta> out;
  std::string token;
  do {
    ASSIGN_OR_RETURN(S3ListPage page, ListObjectsV2(bucket, prefix, token, page_size));
    if (!token.empty() && page.next_continuation_token == token) {
      return Status::IoError(S3Uri(bucket, prefix) + ": S3 ListObjectsV2 at " +
                             options_.endpoint_url + " gave the same continuation token twice");
    }
    std::move(page.objects.begin(), page.objects.end(), std::back_inserter(out));
    token = std::move(page.next_continuation_token);
  } while (!token.empty());
  return out;
}

Status S3Client::DeleteBatch(std::string_view bucket, const std::vector<std::string>& keys,
                             size_t begin, size_t end) const {
  std::string body =
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>";
  for (size_t i = begin; i < end; ++i) {
    RETURN_NOT_OK(internal::ValidateS3Key(keys[i]));
    body += "<Object><Key>" + internal::XmlEscape(keys[i]) + "</Key></Object>";
  }
  body += "</Delete>";
  Call call{"DeleteObjects", "POST", std::string(bucket), ""};
  call.query.emplace_back("delete", "");
  call.headers = {{"Content-MD5", internal::Md5Base64(body)}, {"Content-Type", "application/xml"}};
  call.body = body;
  ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
  for (std::string_view failed : internal::XmlElements(response.body, "Error")) {
    internal::S3ErrorInfo error;
    error.http_status = response.status;
    error.code = internal::XmlText(failed, "Code");
    error.message = internal::XmlText(failed, "Message");
    if (error.code == "NoSuchKey") continue;  // already gone is what we wanted
    return internal::S3ErrorStatus(error, options_, "DeleteObjects", bucket,
                                   internal::XmlText(failed, "Key"), 1);
  }
  return Status::OK();
}

Status S3Client::DeleteObjects(std::string_view bucket,
                               const std::vector<std::string>& keys) const {
  RETURN_NOT_OK(internal::ValidateBucketName(bucket));
  for (size_t begin = 0; begin < keys.size(); begin += kDeleteBatch) {
    RETURN_NOT_OK(DeleteBatch(bucket, keys, begin, std::min(keys.size(), begin + kDeleteBatch)));
  }
  return Status::OK();
}

Result<std::vector<std::pair<std::string, std::string>>> S3Client::ListMultipartUploads(
    std::string_view bucket, std::string_view prefix) const {
  RETURN_NOT_OK(internal::ValidateBucketName(bucket));
  std::vector<std::pair<std::string, std::string>> out;
  std::string key_marker;
  std::string upload_marker;
  for (;;) {
    Call call{"ListMultipartUploads", "GET", std::string(bucket), ""};
    if (!key_marker.empty()) call.query.emplace_back("key-marker", key_marker);
    if (!prefix.empty()) call.query.emplace_back("prefix", std::string(prefix));
    if (!upload_marker.empty()) call.query.emplace_back("upload-id-marker", upload_marker);
    call.query.emplace_back("uploads", "");
    ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
    for (std::string_view upload : internal::XmlElements(response.body, "Upload")) {
      out.emplace_back(internal::XmlText(upload, "Key"), internal::XmlText(upload, "UploadId"));
    }
    if (internal::XmlText(response.body, "IsTruncated") != "true") break;
    std::string next_key = internal::XmlText(response.body, "NextKeyMarker");
    std::string next_upload = internal::XmlText(response.body, "NextUploadIdMarker");
    if (next_key.empty() || (next_key == key_marker && next_upload == upload_marker)) break;
    key_marker = std::move(next_key);
    upload_marker = std::move(next_upload);
  }
  return out;
}

}  // namespace sluice::storage
