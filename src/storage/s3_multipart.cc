// Multipart uploads and copies: parts go up in parallel on the shared thread pool, and any
// failure aborts the upload so that S3 keeps (and bills) no orphaned parts.
#include "common/logging.h"
#include "common/thread_pool.h"
#include "storage/s3_client.h"
#include "storage/s3_client_internal.h"
#include "storage/s3_xml.h"

namespace sluice::storage {
namespace {

constexpr int64_t kMaxParts = 10000;  // S3's limit per upload

std::string CompleteBody(const std::vector<std::string>& etags) {
  std::string body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (size_t i = 0; i < etags.size(); ++i) {
    body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
            internal::XmlEscape(etags[i]) + "</ETag></Part>";
  }
  return body + "</CompleteMultipartUpload>";
}

// How many parts of `part_size` cover `size` bytes; the part size grows when S3's limit on
// the number of parts would be passed.
int64_t PartSizeFor(int64_t size, int64_t part_size) {
  while ((size + part_size - 1) / part_size > kMaxParts) part_size *= 2;
  return part_size;
}

}  // namespace

Result<std::string> S3Client::CreateMultipartUpload(const Call& base) const {
  Call call = base;
  call.operation = "CreateMultipartUpload";
  call.method = "POST";
  call.query = {{"uploads", ""}};
  ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
  std::string upload_id = internal::XmlText(response.body, "UploadId");
  if (upload_id.empty()) {
    return Status::IoError(S3Uri(base.bucket, base.key) + ": S3 CreateMultipartUpload at " +
                           options_.endpoint_url + " gave no UploadId");
  }
  return upload_id;
}

Status S3Client::UploadParts(std::string_view bucket, std::string_view key, std::string_view data,
                             const std::string& upload_id, std::vector<std::string>* etags) const {
  const int64_t size = static_cast<int64_t>(data.size());
  const int64_t part_size = PartSizeFor(size, options_.part_size);
  const int64_t parts = std::max<int64_t>(1, (size + part_size - 1) / part_size);
  etags->assign(static_cast<size_t>(parts), "");
  auto upload = [&](size_t i) -> Status {
    int64_t begin = static_cast<int64_t>(i) * part_size;
    Call call{"UploadPart", "PUT", std::string(bucket), std::string(key)};
    call.query = {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload_id}};
    call.body = data.substr(static_cast<size_t>(begin),
                            static_cast<size_t>(std::min(part_size, size - begin)));
    ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
    (*etags)[i] = response.Header("etag");
    if ((*etags)[i].empty()) {
      return Status::IoError(S3Uri(bucket, key) + ": S3 UploadPart " + std::to_string(i + 1) +
                             " at " + options_.endpoint_url + " gave no ETag");
    }
    return Status::OK();
  };
  return ThreadPool::Default().ParallelFor(static_cast<size_t>(parts), upload,
                                           options_.max_parallel_parts);
}

Status S3Client::CompleteMultipartUpload(const Call& base, const std::string& upload_id,
                                         const std::vector<std::string>& etags) const {
  Call call = base;
  call.operation = "CompleteMultipartUpload";
  call.method = "POST";
  call.query = {{"uploadId", upload_id}};
  std::string body = CompleteBody(etags);
  call.body = body;
  call.headers.erase(
      std::remove_if(call.headers.begin(), call.headers.end(),
                     [](const auto& h) { return HeaderNameEquals(h.first, "content-type"); }),
      call.headers.end());
  call.headers.emplace_back("Content-Type", "application/xml");
  call.success_element = "CompleteMultipartUploadResult";
  Status st = Execute(call).status();
  if (st.ok() || S3ErrorCode(st) != "NoSuchUpload") return st;
  // A retry after a lost answer finds the upload already completed: the object tells.
  Result<S3ObjectMeta> meta = HeadObject(base.bucket, base.key);
  std::string suffix = "-" + std::to_string(etags.size()) + "\"";
  if (meta.ok() && meta->etag.ends_with(suffix)) return Status::OK();
  return st;
}

Status S3Client::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) const {
  Call call{"AbortMultipartUpload", "DELETE", std::string(bucket), std::string(key)};
  call.query = {{"uploadId", std::string(upload_id)}};
  Status st = Execute(call).status();
  if (!st.ok() && S3ErrorCode(st) == "NoSuchUpload") return Status::OK();
  return st;
}

Status S3Client::PutObjectMultipart(std::string_view bucket, std::string_view key,
                                    std::string_view data, const S3PutOptions& put) const {
  RETURN_NOT_OK(internal::ValidateBucketName(bucket));
  RETURN_NOT_OK(internal::ValidateS3Key(key));
  Call base{"", "", std::string(bucket), std::string(key)};
  if (!put.content_type.empty()) base.headers.emplace_back("Content-Type", put.content_type);
  ASSIGN_OR_RETURN(std::string upload_id, CreateMultipartUpload(base));
  std::vector<std::string> etags;
  Status st = UploadParts(bucket, key, data, upload_id, &etags);
  if (st.ok()) {
    Call complete{"", "", std::string(bucket), std::string(key)};
    if (put.if_none_match) complete.headers.emplace_back("If-None-Match", "*");
    st = CompleteMultipartUpload(complete, upload_id, etags);
  }
  if (!st.ok()) {
    Status aborted = AbortMultipartUpload(bucket, key, upload_id);
    if (!aborted.ok()) {
      Log().warn("multipart upload {} of {} failed and could not be aborted: {}", upload_id,
                 S3Uri(bucket, key), aborted.message());
    }
  }
  return st;
}

Status S3Client::CopyParts(std::string_view bucket, std::string_view from_key,
                           std::string_view to_key, int64_t size, const std::string& upload_id,
                           std::vector<std::string>* etags) const {
  const int64_t part_size = PartSizeFor(size, options_.copy_part_size);
  const int64_t parts = std::max<int64_t>(1, (size + part_size - 1) / part_size);
  etags->assign(static_cast<size_t>(parts), "");
  const std::string source = "/" + std::string(bucket) + "/" + S3EncodeKey(from_key);
  auto copy = [&](size_t i) -> Status {
    int64_t begin = static_cast<int64_t>(i) * part_size;
    int64_t end = std::min(size, begin + part_size) - 1;
    Call call{"UploadPartCopy", "PUT", std::string(bucket), std::string(to_key)};
    call.query = {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload_id}};
    call.headers = {
        {"x-amz-copy-source", source},
        {"x-amz-copy-source-range", "bytes=" + std::to_string(begin) + "-" + std::to_string(end)}};
    call.success_element = "CopyPartResult";
    ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
    (*etags)[i] = internal::XmlText(response.body, "ETag");
    if ((*etags)[i].empty()) {
      return Status::IoError(S3Uri(bucket, to_key) + ": S3 UploadPartCopy " +
                             std::to_string(i + 1) + " gave no ETag");
    }
    return Status::OK();
  };
  return ThreadPool::Default().ParallelFor(static_cast<size_t>(parts), copy,
                                           options_.max_parallel_parts);
}

Status S3Client::CopyObjectMultipart(std::string_view bucket, std::string_view from_key,
                                     std::string_view to_key, int64_t size) const {
  Call base{"", "", std::string(bucket), std::string(to_key)};
  ASSIGN_OR_RETURN(std::string upload_id, CreateMultipartUpload(base));
  std::vector<std::string> etags;
  Status st = CopyParts(bucket, from_key, to_key, size, upload_id, &etags);
  if (st.ok()) st = CompleteMultipartUpload(base, upload_id, etags);
  if (!st.ok()) {
    Status aborted = AbortMultipartUpload(bucket, to_key, upload_id);
    if (!aborted.ok()) {
      Log().warn("multipart copy {} to {} failed and could not be aborted: {}", upload_id,
                 S3Uri(bucket, to_key), aborted.message());
    }
  }
  return st.WithContext("copying " + S3Uri(bucket, from_key));
}

}  // namespace sluice::storage
