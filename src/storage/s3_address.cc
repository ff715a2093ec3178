// S3 names on the wire: bucket names, key encoding, query strings, addressing styles.
#include <cctype>

#include "storage/s3_client.h"
#include "storage/s3_client_internal.h"
#include "storage/sigv4.h"

namespace sluice::storage {

Result<S3Addressing> ParseS3Addressing(std::string_view text) {
  if (text.empty() || text == "auto") return S3Addressing::kAuto;
  if (text == "path") return S3Addressing::kPath;
  if (text == "virtual" || text == "virtual-host" || text == "virtual_host") {
    return S3Addressing::kVirtualHost;
  }
  return Status::InvalidArgument("S3 addressing '" + std::string(text) +
                                 "' is not one of auto, path, virtual");
}

std::string S3EncodeKey(std::string_view key) { return UriEncode(key, /*encode_slash=*/false); }

std::string S3Uri(std::string_view bucket, std::string_view key) {
  return "s3://" + std::string(bucket) + "/" + std::string(key);
}

namespace internal {

bool VirtualHostable(std::string_view bucket, bool https) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  if (!std::isalnum(static_cast<unsigned char>(bucket.front())) ||
      !std::isalnum(static_cast<unsigned char>(bucket.back()))) {
    return false;
  }
  bool all_digits_and_dots = true;
  for (size_t i = 0; i < bucket.size(); ++i) {
    char c = bucket[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
    if (c == '.' &&
        (https || bucket[i + 1] == '.' || bucket[i + 1] == '-' || bucket[i - 1] == '-')) {
      return false;
    }
    if (c != '.' && !(c >= '0' && c <= '9')) all_digits_and_dots = false;
  }
  return !all_digits_and_dots;  // "192.168.0.1" reads as an address, not a name
}

Status ValidateBucketName(std::string_view bucket) {
  if (bucket.empty()) return Status::InvalidArgument("an S3 URI needs a bucket: s3://bucket/key");
  if (bucket.size() > 255) {
    return Status::InvalidArgument("S3 bucket name '" + std::string(bucket.substr(0, 64)) +
                                   "...' is longer than 255 characters");
  }
  for (char c : bucket) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      return Status::InvalidArgument("S3 bucket name '" + std::string(bucket) +
                                     "' may hold only letters, digits, '.', '-' and '_'");
    }
  }
  return Status::OK();
}

Status ValidateS3Key(std::string_view key) {
  if (key.empty()) return Status::InvalidArgument("an S3 object needs a non-empty key");
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = std::min(key.find('/', start), key.size());
    std::string_view segment = key.substr(start, end - start);
    if (segment == "." || segment == "..") {
      return Status::InvalidArgument("S3 key '" + std::string(key) +
                                     "' has a '.' or '..' segment, which URLs do not keep");
    }
    start = end + 1;
  }
  return Status::OK();
}

std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out += '&';
    out += UriEncode(name, true);
    if (!value.empty()) out += "=" + UriEncode(value, true);
  }
  return out;
}

}  // namespace internal
}  // namespace sluice::storage
