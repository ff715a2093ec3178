// Small formats S3 uses: HTTP dates (HEAD), ISO 8601 times (listings), Content-MD5.
#include <openssl/evp.h>

#include <ctime>

#include "common/time_util.h"
#include "storage/s3_client_internal.h"

namespace sluice::storage::internal {

int64_t ParseHttpDateMs(std::string_view text) {
  std::string copy(text);
  std::tm tm{};
  const char* end = ::strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  if (end == nullptr) return 0;
  return static_cast<int64_t>(::timegm(&tm)) * 1000;
}

int64_t ParseIsoTimeMs(std::string_view text) {
  Result<TimePoint> time = ParseTimePoint(text);
  if (!time.ok()) return 0;
  return time->time_since_epoch().count() / 1000;
}

std::string Md5Base64(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
  unsigned char encoded[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  int n = EVP_EncodeBlock(encoded, digest, static_cast<int>(length));
  return std::string(reinterpret_cast<char*>(encoded), static_cast<size_t>(n));
}

}  // namespace sluice::storage::internal
