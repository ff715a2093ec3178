// SigV4 canonical forms: URI (with or without S3's rules), query string and headers.
#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "common/ascii.h"
#include "storage/sigv4.h"
#include "storage/sigv4_internal.h"

namespace sluice::storage {
namespace {

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Segments of `path` with "." dropped, ".." popping, and empty segments removed.
std::vector<std::string_view> NormalSegments(std::string_view path, bool* trailing_slash) {
  std::vector<std::string_view> segments;
  *trailing_slash = false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string_view segment = path.substr(start, end - start);
    *trailing_slash = segment.empty() || segment == "." || segment == "..";
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  return segments;
}

// Trims blanks at both ends and turns each inner run of spaces or tabs into one space.
std::string CanonicalValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::string UriEncode(std::string_view text, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (c == '/' && !encode_slash)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

namespace internal {

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    int hi = text[i] == '%' && i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    int lo = hi >= 0 ? HexValue(text[i + 2]) : -1;
    if (lo < 0) {
      out += text[i];
      continue;
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string CanonicalUri(std::string_view wire_path, bool s3_path) {
  if (wire_path.empty()) return "/";
  if (s3_path) return UriEncode(PercentDecode(wire_path), /*encode_slash=*/false);
  bool trailing_slash = false;
  std::vector<std::string_view> segments = NormalSegments(wire_path, &trailing_slash);
  std::string out;
  for (std::string_view segment : segments) out += "/" + UriEncode(segment, true);
  if (out.empty() || trailing_slash) out += "/";
  return out;
}

std::string CanonicalQuery(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start < raw_query.size()) {
    size_t end = std::min(raw_query.find('&', start), raw_query.size());
    std::string_view piece = raw_query.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view name = piece.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
    pairs.emplace_back(UriEncode(PercentDecode(name), true), UriEncode(PercentDecode(value), true));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) out += (out.empty() ? "" : "&") + name + "=" + value;
  return out;
}

CanonicalHeaders Canonicalize(const HttpHeaders& headers) {
  std::map<std::string, std::string> merged;  // sorted by lower-cased name
  for (const auto& [name, value] : headers) {
    auto [it, inserted] = merged.emplace(AsciiLower(name), CanonicalValue(value));
    if (!inserted) it->second += "," + CanonicalValue(value);
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : merged) {
    out.block += name + ":" + value + "\n";
    out.signed_names += (out.signed_names.empty() ? "" : ";") + name;
  }
  return out;
}

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, const CanonicalHeaders& headers,
                             std::string_view payload_sha256) {
  std::string out;
  for (std::string_view part : {method, canonical_uri, canonical_query}) {
    out.append(part).append("\n");
  }
  out += headers.block + "\n" + headers.signed_names + "\n";
  out.append(payload_sha256);
  return out;
}

}  // namespace internal
}  // namespace sluice::storage
