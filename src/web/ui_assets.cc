#include "web/ui_assets.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

namespace sluice::web {
namespace {

bool EscapesFolder(std::string_view path) {
  if (path.empty() || path.front() == '/') return true;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return true;
    start = end + 1;
  }
  return false;
}

// The same mapping as cmake/embed_assets.cmake, for files read from disk.
std::string ContentTypeOf(std::string_view path) {
  auto ends_with = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".js") || ends_with(".mjs")) return "text/javascript; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".png")) return "image/png";
  if (ends_with(".json")) return "application/json";
  return "application/octet-stream";
}

std::optional<LoadedAsset> FromFolder(const std::string& folder, std::string_view path) {
  std::ifstream in(folder + "/" + std::string(path), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  LoadedAsset asset{ContentTypeOf(path), body.str(), ""};
  asset.etag = fmt::format("\"dev-{:x}\"", std::hash<std::string>{}(asset.body));
  return asset;
}

}  // namespace

std::optional<LoadedAsset> FindUiAsset(std::string_view path) {
  if (EscapesFolder(path)) return std::nullopt;
  const char* folder = std::getenv("SLUICE_UI_ASSETS");
  if (folder != nullptr && *folder != '\0') return FromFolder(folder, path);
  for (size_t i = 0; i < kUiAssetCount; ++i) {
    const UiAsset& asset = kUiAssets[i];
    if (asset.path == path) {
      return LoadedAsset{std::string(asset.content_type), std::string(asset.body),
                         std::string(asset.etag)};
    }
  }
  return std::nullopt;
}

}  // namespace sluice::web
