// `sluice storage ls|cat|cp|rm` (design.md §9): any location Sluice reads or writes (a path,
// file:// or s3://), through the object-store interface, like `aws s3 ls|cp|rm`.
#include <unistd.h>

#include <cstdio>
#include <set>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "orchestrator/connections.h"
#include "orchestrator/home.h"
#include "storage/object_store.h"

namespace sluice::cli {

namespace {

using storage::Location;
using storage::ObjectInfo;

struct StorageArgs {
  std::string uri;
  std::string destination;
  bool recursive = false;
};

// The location as a folder prefix: "" (the root) or ending in '/'.
std::string FolderKey(const Location& loc) {
  if (loc.key.empty() || loc.key.ends_with('/')) return loc.key;
  return loc.key + "/";
}

std::string FormatSize(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%12lld", static_cast<long long>(bytes));
  return buf;
}

Status List(const StorageArgs& args) {
  ASSIGN_OR_RETURN(Location loc, storage::ResolveUri(args.uri));
  std::string prefix = FolderKey(loc);
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, loc.store->List(prefix));
  if (objects.empty()) {
    // Maybe the URI names one object.
    Result<ObjectInfo> one = loc.store->Head(loc.key);
    if (!one.ok()) return Status::NotFound(args.uri + ": no such object or folder");
    objects.push_back(*one);
    prefix = "";
  }
  std::set<std::string> folders;
  for (const ObjectInfo& o : objects) {
    std::string rest = o.key.substr(prefix.size());
    size_t slash = rest.find('/');
    if (!args.recursive && slash != std::string::npos) {
      if (folders.insert(rest.substr(0, slash + 1)).second) {
        std::printf("%-25s %12s  %s\n", "", "PRE", rest.substr(0, slash + 1).c_str());
      }
      continue;
    }
    std::string when = FormatIso8601(TimePoint(Micros(o.mtime_ms * 1000))).substr(0, 19);
    std::printf("%-25s %s  %s\n", when.c_str(), FormatSize(o.size).c_str(),
                (args.recursive ? o.key.substr(prefix.size()) : rest).c_str());
  }
  return Status::OK();
}

// Streams one object to stdout in ranged reads, never whole.
Status Cat(const StorageArgs& args) {
  ASSIGN_OR_RETURN(Location loc, storage::ResolveUri(args.uri));
  ASSIGN_OR_RETURN(auto reader, loc.store->OpenReader(loc.key));
  std::string buf(1 << 20, '\0');
  for (int64_t offset = 0; offset < reader->Size();) {
    ASSIGN_OR_RETURN(int64_t n,
                     reader->ReadAt(offset, static_cast<int64_t>(buf.size()), buf.data()));
    if (n <= 0) break;
    if (std::fwrite(buf.data(), 1, static_cast<size_t>(n), stdout) != static_cast<size_t>(n)) {
      return Status::IoError("writing to stdout");
    }
    offset += n;
  }
  std::fflush(stdout);
  return Status::OK();
}

Status CopyOne(const Location& from, const std::string& from_key, const Location& to,
               const std::string& to_key) {
  ASSIGN_OR_RETURN(std::string data, from.store->Get(from_key));
  RETURN_NOT_OK(to.store->Put(to_key, data));
  std::printf("copied %s -> %s\n", storage::JoinUri(from.store->RootUri(), from_key).c_str(),
              storage::JoinUri(to.store->RootUri(), to_key).c_str());
  return Status::OK();
}

Status Copy(const StorageArgs& args) {
  ASSIGN_OR_RETURN(Location from, storage::ResolveUri(args.uri));
  ASSIGN_OR_RETURN(Location to, storage::ResolveUri(args.destination));
  if (!args.recursive) {
    std::string key = to.key;
    // Into a folder ("dest/"), the object keeps its name.
    if (key.empty() || key.ends_with('/')) {
      key +=
          from.key.substr(from.key.rfind('/') == std::string::npos ? 0 : from.key.rfind('/') + 1);
    }
    return CopyOne(from, from.key, to, key);
  }
  std::string prefix = FolderKey(from);
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, from.store->List(prefix));
  if (objects.empty()) return Status::NotFound(args.uri + ": nothing to copy");
  for (const ObjectInfo& o : objects) {
    RETURN_NOT_OK(CopyOne(from, o.key, to, FolderKey(to) + o.key.substr(prefix.size())));
  }
  return Status::OK();
}

Status Remove(const StorageArgs& args) {
  ASSIGN_OR_RETURN(Location loc, storage::ResolveUri(args.uri));
  std::vector<std::string> keys;
  if (args.recursive) {
    ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, loc.store->List(FolderKey(loc)));
    for (const ObjectInfo& o : objects) keys.push_back(o.key);
  } else {
    RETURN_NOT_OK(loc.store->Head(loc.key).status().WithContext(args.uri));
    keys.push_back(loc.key);
  }
  for (const std::string& key : keys) {
    RETURN_NOT_OK(loc.store->Delete(key));
    std::printf("deleted %s\n", storage::JoinUri(loc.store->RootUri(), key).c_str());
  }
  return Status::OK();
}

// s3:// as sluice.yml's aws_default configures it, unless SLUICE_CONN_AWS_DEFAULT is set.
Status ConfigureS3() {
  ASSIGN_OR_RETURN(orchestrator::SluiceHome home, orchestrator::LoadHome());
  return orchestrator::ExportS3Connection(home, /*store=*/nullptr);
}

int Run(const std::string& what, Status (*fn)(const StorageArgs&), const StorageArgs& args) {
  Status st = ConfigureS3();
  if (st.ok()) st = fn(args);
  return st.ok() ? 0 : Fail(st, "storage " + what);
}

}  // namespace

void RegisterStorage(CLI::App& app, int* exit_code) {
  static StorageArgs args;
  auto* storage = app.add_subcommand("storage", "List, print, copy and remove objects");
  storage->require_subcommand(1);
  auto* ls = storage->add_subcommand("ls", "List a folder (PRE marks sub-folders)");
  ls->add_option("uri", args.uri, "Path, file:// or s3:// URI")->required();
  ls->add_flag("--recursive,-r", args.recursive, "Every object below, not one level");
  ls->callback([exit_code] { *exit_code = Run("ls", List, args); });
  auto* cat = storage->add_subcommand("cat", "Print an object");
  cat->add_option("uri", args.uri)->required();
  cat->callback([exit_code] { *exit_code = Run("cat", Cat, args); });
  auto* cp = storage->add_subcommand("cp", "Copy an object, or a folder with --recursive");
  cp->add_option("source", args.uri)->required();
  cp->add_option("destination", args.destination)->required();
  cp->add_flag("--recursive,-r", args.recursive, "Copy every object below the source");
  cp->callback([exit_code] { *exit_code = Run("cp", Copy, args); });
  auto* rm = storage->add_subcommand("rm", "Remove an object, or a folder with --recursive");
  rm->add_option("uri", args.uri)->required();
  rm->add_flag("--recursive,-r", args.recursive, "Remove every object below");
  rm->callback([exit_code] { *exit_code = Run("rm", Remove, args); });
}

}  // namespace sluice::cli
