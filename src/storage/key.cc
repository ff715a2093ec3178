// Key validation: the one place that decides whether a key stays inside its store's root.
#include <string>
#include <string_view>

#include "storage/object_store.h"

namespace sluice::storage {

namespace {

std::string Printable(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '\0') {
      out += "\\0";
    } else {
      out += c;
    }
  }
  return out;
}

Status Invalid(std::string_view key, std::string_view why) {
  return Status::InvalidArgument("invalid key '" + Printable(key) + "': " + std::string(why));
}

}  // namespace

Status ValidateKey(std::string_view key) {
  if (key.empty()) return Invalid(key, "empty");
  if (key.find('\0') != std::string_view::npos) return Invalid(key, "contains a NUL byte");
  if (key.front() == '/') return Invalid(key, "must be relative (no leading '/')");
  size_t start = 0;
  while (start < key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view segment = key.substr(start, end - start);
    if (segment == "." || segment == "..") {
      return Invalid(key, "'" + std::string(segment) +
                              "' segments are not allowed (a key must stay inside its root)");
    }
    // A trailing '/' marks a folder prefix; an empty segment anywhere else is a typo.
    if (segment.empty()) return Invalid(key, "empty path segment ('//')");
    start = end + 1;
  }
  return Status::OK();
}

}  // namespace sluice::storage
