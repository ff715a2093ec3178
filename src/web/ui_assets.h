// The web UI's files (src/web/assets/), compiled into the binary by cmake/embed_assets.cmake so
// a fresh machine needs no front-end build step. SLUICE_UI_ASSETS=<folder> serves them from
// that folder instead, for editing the UI without rebuilding.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::web {

struct UiAsset {
  std::string_view path;  // relative to src/web/assets/, e.g. "app.css"
  std::string_view content_type;
  std::string_view body;
  std::string_view etag;  // quoted, as the ETag header carries it
};

// Defined in the generated file.
extern const UiAsset kUiAssets[];
extern const size_t kUiAssetCount;

// An asset with its own storage, for one taken from SLUICE_UI_ASSETS.
struct LoadedAsset {
  std::string content_type;
  std::string body;
  std::string etag;
};

// The asset at `path` (no leading slash); nullopt when there is none or `path` leaves the
// assets folder.
std::optional<LoadedAsset> FindUiAsset(std::string_view path);

}  // namespace sluice::web
