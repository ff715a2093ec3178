// ResolveUri and JoinUri: how a path or URI written by a user becomes a store and a key.
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <system_error>

#include "storage/file_store.h"
#include "storage/object_store.h"
#include "storage/s3_connection.h"

namespace sluice::storage {

namespace {

namespace fs = std::filesystem;

// The scheme of "scheme://..." or "scheme:/...", lower-cased; empty for a plain path.
std::string SchemeOf(std::string_view uri) {
  size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return "";
  if (!std::isalpha(static_cast<unsigned char>(uri[0]))) return "";
  std::string scheme;
  for (char c : uri.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return "";
    }
    scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  // "C:foo" or "name:x" are file names; only "scheme:/" reads as a URI.
  if (uri.substr(colon + 1).empty() || uri[colon + 1] != '/') return "";
  return scheme;
}

Result<Location> FileLocation(std::string_view uri, std::string path) {
  Location loc;
  loc.store = std::make_shared<FileObjectStore>("/");
  loc.key = path.substr(1);
  loc.uri = std::string(uri);
  if (!loc.key.empty()) RETURN_NOT_OK(ValidateKey(loc.key).WithContext(loc.uri));
  return loc;
}

// file:///abs/path (or file:/abs/path, file://localhost/abs/path). Unlike a plain path, a
// URI is taken literally: '..' is refused rather than resolved.
Result<Location> ResolveFileUri(std::string_view uri) {
  std::string_view rest = uri.substr(5);  // after "file:"
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    if (rest.starts_with("localhost/")) rest.remove_prefix(9);
    if (!rest.starts_with('/')) {
      return Status::InvalidArgument(std::string(uri) +
                                     ": a file:// URI needs an absolute path (file:///path)");
    }
  }
  std::string path;
  size_t start = 0;
  while (start < rest.size()) {
    size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view segment = rest.substr(start, end - start);
    if (segment == "..") {
      return Status::InvalidArgument(std::string(uri) +
                                     ": '..' segments are not allowed in a file:// URI");
    }
    if (!segment.empty() && segment != ".") path += "/" + std::string(segment);
    start = end + 1;
  }
  if (path.empty() || rest.ends_with('/')) path += "/";
  return FileLocation(uri, std::move(path));
}

// s3://bucket/key (also Hadoop's s3a:// and s3n://): the bucket's store under the current S3
// connection, and the key as written (S3 keys are not percent-decoded).
Result<Location> ResolveS3Uri(std::string_view uri) {
  size_t start = uri.find("://");
  if (start == std::string_view::npos) {
    return Status::InvalidArgument(std::string(uri) + ": an S3 URI looks like s3://bucket/key");
  }
  std::string_view rest = uri.substr(start + 3);
  size_t slash = rest.find('/');
  std::string_view bucket = rest.substr(0, slash);
  Location loc;
  loc.uri = std::string(uri);
  loc.key = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  if (!loc.key.empty()) RETURN_NOT_OK(ValidateKey(loc.key).WithContext(loc.uri));
  auto store = OpenS3Store(bucket);
  if (!store.ok()) return store.status().WithContext(loc.uri);
  loc.store = std::move(*store);
  return loc;
}

Result<Location> ResolvePlainPath(std::string_view uri) {
  fs::path path{std::string(uri)};
  if (path.is_relative()) {
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    if (ec)
      return Status::IoError(std::string(uri) +
                             ": cannot read the working directory: " + ec.message());
    path = cwd / path;
  }
  // Lexical, so a user may write ../data/x.csv; a trailing '/' (a folder) survives.
  return FileLocation(uri, path.lexically_normal().string());
}

}  // namespace

Result<Location> ResolveUri(std::string_view uri) {
  if (uri.empty()) return Status::InvalidArgument("empty path or URI");
  if (uri.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("path or URI contains a NUL byte");
  }
  std::string scheme = SchemeOf(uri);
  if (scheme.empty()) return ResolvePlainPath(uri);
  if (scheme == "file") return ResolveFileUri(uri);
  if (scheme == "s3" || scheme == "s3a" || scheme == "s3n") return ResolveS3Uri(uri);
  return Status::InvalidArgument(std::string(uri) + ": unsupported URI scheme '" + scheme +
                                 "' (use a local path, a file:// URI or an s3:// URI)");
}

std::string JoinUri(std::string_view base, std::string_view name) {
  while (name.starts_with('/')) name.remove_prefix(1);
  if (base.empty()) return std::string(name);
  std::string out(base);
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

}  // namespace sluice::storage
