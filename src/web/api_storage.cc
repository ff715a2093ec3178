// Browsing the local warehouse ($SLUICE_HOME/warehouse) like the S3 console: one folder level
// at a time, an object's bytes (bounded), or a CSV object's first rows as a table. Nothing
// outside the warehouse is reachable.
#include <httplib.h>

#include <filesystem>
#include <set>

#include "storage/object_store.h"
#include "web/api_csv_preview.h"
#include "web/api_routes_internal.h"
#include "web/api_util.h"
#include "web/web_context.h"

namespace sluice::web::api {

namespace {

using httplib::Request;
using httplib::Response;

constexpr int64_t kDefaultBytes = 1 << 20;
constexpr int64_t kMaxBytes = 16 << 20;
constexpr int64_t kPreviewBytes = 4 << 20;  // read for a CSV preview at most

std::string WarehouseRoot(const WebContext& ctx) {
  std::string root = std::filesystem::path(ctx.home.path + "/warehouse").lexically_normal();
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

// The path of `uri` relative to the warehouse ("" for its root, no leading or trailing '/').
// Accepts a relative path, an absolute path or a file:// URI inside the warehouse.
Result<std::string> RelativePath(std::string uri, const std::string& root) {
  if (uri.starts_with("file://")) {
    uri = uri.substr(7);
    if (uri.starts_with("localhost/")) uri = uri.substr(9);
    if (!uri.starts_with('/'))
      return Status::InvalidArgument("a file:// URI needs an absolute path");
  } else if (uri.find("://") != std::string::npos) {
    return Status::InvalidArgument("only the local warehouse can be browsed here (got " + uri +
                                   ")");
  }
  std::string rel = uri;
  if (uri.starts_with('/')) {
    if (uri != root && !uri.starts_with(root + "/")) {
      return Status::InvalidArgument(uri + " is outside the warehouse " + root);
    }
    rel = uri.substr(root.size());
  }
  std::string out;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    std::string segment = rel.substr(start, end - start);
    if (segment == ".." || segment == "." || segment.find('\0') != std::string::npos) {
      return Status::InvalidArgument("'" + segment + "' segments are not allowed: " + uri);
    }
    if (!segment.empty()) out += (out.empty() ? "" : "/") + segment;
    start = end + 1;
  }
  return out;
}

Json MtimeJson(int64_t ms) { return FormatIso8601(TimePoint(std::chrono::milliseconds(ms))); }

struct Folder {
  std::string root;            // the warehouse, absolute, no trailing '/'
  std::string rel;             // relative path of the folder or object
  storage::Location location;  // of the warehouse root in its store
};

Result<Folder> Open(const Request& req, const WebContext& ctx) {
  Folder f;
  f.root = WarehouseRoot(ctx);
  ASSIGN_OR_RETURN(f.rel, RelativePath(req.get_param_value("uri"), f.root));
  ASSIGN_OR_RETURN(f.location, storage::ResolveUri("file://" + f.root + "/"));
  return f;
}

// One level of a folder: its sub-folders (by name, each once) then its objects, as JSON
// entries. Hidden names (staging folders and the like) are left out.
struct Level {
  std::vector<Json> entries;
  size_t folders = 0;  // the first `folders` entries are folders
  bool empty = true;   // no object at all below the folder
};

Result<Level> ListLevel(const Folder& f, const std::string& rel_prefix) {
  ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> objects,
                   f.location.store->List(f.location.key + rel_prefix));
  Level level;
  level.empty = objects.empty();
  std::set<std::string> folders;
  std::vector<Json> files;
  for (const auto& o : objects) {
    std::string rest = o.key.substr(f.location.key.size() + rel_prefix.size());
    if (rest.empty() || rest[0] == '.') continue;
    size_t slash = rest.find('/');
    if (slash != std::string::npos) {
      folders.insert(rest.substr(0, slash));
      continue;
    }
    files.push_back({{"name", rest},
                     {"path", rel_prefix + rest},
                     {"size", o.size},
                     {"mtime", MtimeJson(o.mtime_ms)}});
  }
  for (const auto& name : folders) {
    level.entries.push_back({{"name", name}, {"path", rel_prefix + name + "/"}});
  }
  level.folders = level.entries.size();
  for (auto& e : files) level.entries.push_back(std::move(e));
  return level;
}

void List(const Request& req, Response& res, WebContext& ctx) {
  auto page = ParsePage(req, 1000, 10000);
  if (!page.ok()) return SendStatus(res, page.status());
  auto f = Open(req, ctx);
  if (!f.ok()) return SendStatus(res, f.status());
  std::string rel_prefix = f->rel.empty() ? "" : f->rel + "/";
  auto level = ListLevel(*f, rel_prefix);
  if (!level.ok()) return SendStatus(res, level.status());
  // An object store has no empty folders; a folder on disk with nothing in it is no error.
  if (!f->rel.empty() && level->empty && !std::filesystem::is_directory(f->root + "/" + f->rel)) {
    return SendError(res, 404, "no folder " + f->rel + " in the warehouse " + f->root);
  }
  Json paged = PageOf("entries", level->entries, *page);
  Json folders = Json::array(), objects = Json::array();
  for (size_t i = 0; i < paged["entries"].size(); ++i) {
    bool is_folder = page->offset + i < level->folders;
    (is_folder ? folders : objects).push_back(std::move(paged["entries"][i]));
  }
  Json parent = nullptr;
  if (!f->rel.empty()) {
    size_t slash = f->rel.rfind('/');
    parent = slash == std::string::npos ? "" : f->rel.substr(0, slash + 1);
  }
  SendJson(res, {{"root", "file://" + f->root + "/"},
                 {"path", rel_prefix},
                 {"uri", "file://" + f->root + "/" + rel_prefix},
                 {"parent", parent},
                 {"folders", folders},
                 {"objects", objects},
                 {"total_entries", level->entries.size()}});
}

std::string ContentTypeOf(const std::string& name) {
  auto ext = std::filesystem::path(name).extension().string();
  if (ext == ".csv") return "text/csv; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".txt" || ext == ".log" || ext == ".yml" || ext == ".yaml" || ext == ".md" ||
      name.ends_with("/stdout") || name.ends_with("/stderr")) {
    return "text/plain; charset=utf-8";
  }
  return "application/octet-stream";
}

void Preview(const Request& req, Response& res, const Folder& f, const storage::ObjectInfo& info) {
  auto limit = IntParam(req, "limit", 100);
  if (!limit.ok()) return SendStatus(res, limit.status());
  if (*limit > 10000) return SendError(res, 400, "limit must be at most 10000 rows");
  int64_t bytes = std::min(info.size, kPreviewBytes);
  auto text = f.location.store->GetRange(info.key, 0, bytes);
  if (!text.ok()) return SendStatus(res, text.status());
  CsvPreview p = PreviewCsv(*text, bytes == info.size, static_cast<size_t>(*limit));
  SendJson(
      res,
      {{"columns", p.columns}, {"rows", p.rows}, {"truncated", p.truncated}, {"size", info.size}});
}

void GetObject(const Request& req, Response& res, WebContext& ctx) {
  auto f = Open(req, ctx);
  if (!f.ok()) return SendStatus(res, f.status());
  if (f->rel.empty()) return SendError(res, 400, "uri must name an object in the warehouse");
  auto info = f->location.store->Head(f->location.key + f->rel);
  if (!info.ok()) return SendStatus(res, info.status());
  std::string preview = req.get_param_value("preview");
  if (preview == "csv") return Preview(req, res, *f, *info);
  if (!preview.empty()) return SendError(res, 400, "preview must be csv");
  auto offset = IntParam(req, "offset", 0);
  auto length = IntParam(req, "length", kDefaultBytes);
  if (!offset.ok()) return SendStatus(res, offset.status());
  if (!length.ok()) return SendStatus(res, length.status());
  if (*length > kMaxBytes) return SendError(res, 400, "length must be at most 16777216 bytes");
  int64_t from = std::min(*offset, info->size);
  int64_t count = std::min(*length, info->size - from);
  auto bytes = f->location.store->GetRange(info->key, from, count);
  if (!bytes.ok()) return SendStatus(res, bytes.status());
  res.set_header("X-Sluice-Object-Size", std::to_string(info->size));
  res.set_header("X-Sluice-Truncated", from + count < info->size || from > 0 ? "true" : "false");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Disposition", "inline");
  res.set_content(std::move(*bytes), ContentTypeOf(f->rel));
}

}  // namespace

void RegisterStorageRoutes(httplib::Server& http, WebContext& ctx) {
  auto bind = [&ctx](void (*fn)(const Request&, Response&, WebContext&)) {
    return [&ctx, fn](const Request& req, Response& res, const Principal&) { fn(req, res, ctx); };
  };
  Route(http, ctx, "GET", "/api/v1/storage", "storage", Role::kViewer, bind(List));
  Route(http, ctx, "GET", "/api/v1/storage/object", "storage_object", Role::kViewer,
        bind(GetObject));
}

}  // namespace sluice::web::api
