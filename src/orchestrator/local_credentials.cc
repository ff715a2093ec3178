#include "orchestrator/local_credentials.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sluice::orchestrator {

namespace {

std::string RandomText(size_t n, std::string_view alphabet) {
  std::string out;
  unsigned char bytes[64];
  while (out.size() < n) {
    if (RAND_bytes(bytes, sizeof bytes) != 1) continue;
    for (unsigned char b : bytes) {
      // Rejection sampling keeps every character equally likely.
      if (b >= 256 - 256 % alphabet.size()) continue;
      out += alphabet[b % alphabet.size()];
      if (out.size() == n) break;
    }
  }
  return out;
}

Status WriteNew(const std::string& path) {
  std::string key = "SLUICE" + RandomText(14, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
  std::string secret = RandomText(
      40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
  std::string text = "# Sluice's local services (the EMR-compatible API) accept requests signed "
                     "with this key.\n[" + std::string(kLocalCredentialsProfile) +
                     "]\naws_access_key_id = " + key + "\naws_secret_access_key = " + secret +
                     "\n";
  // O_EXCL: two processes creating it at once must not end with different secrets.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::OK();
    return Status::IoError("creating " + path + ": " + std::strerror(errno));
  }
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok ? Status::OK() : Status::IoError("writing " + path);
}

}  // namespace

std::string LocalCredentialsPath(const SluiceHome& home) {
  return (std::filesystem::path(home.path) / "aws-credentials").string();
}

Result<storage::Credentials> EnsureLocalCredentials(const SluiceHome& home) {
  std::string path = LocalCredentialsPath(home);
  std::error_code ec;
  std::filesystem::create_directories(home.path, ec);
  if (!std::filesystem::exists(path)) RETURN_NOT_OK(WriteNew(path));
  // A file being written by another process may be briefly empty.
  for (int attempt = 0;; ++attempt) {
    Result<storage::Credentials> creds =
        storage::ReadProfileCredentials(path, kLocalCredentialsProfile);
    if (creds.ok() || attempt == 20) return creds;
    usleep(10000);
  }
}

}  // namespace sluice::orchestrator
