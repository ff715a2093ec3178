// The dags folder (design.md §3, §10): every .yml/.yaml file under a folder (a path, a
// file:// URI, later an s3:// prefix), parsed and kept per file, as Airflow's DagBag does.
// Refresh() re-reads only files that changed; a broken file never hides the others.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "orchestrator/dag.h"
#include "orchestrator/dag_loader.h"
#include "storage/object_store.h"

namespace sluice::orchestrator {

class DagFolder {
 public:
  // One DAG file and what reading it gave.
  struct File {
    std::string key;   // relative to the folder: "team/sales.yml"
    std::string path;  // as messages name it: the folder's URI joined with the key
    std::shared_ptr<const DagSpec> dag;  // null when `error` is set
    Status error;  // parse error, read error, or a dag_id defined in another file too
  };

  struct RefreshStats {
    size_t files = 0;    // DAG files present
    size_t parsed = 0;   // (re-)read and parsed by this refresh
    size_t removed = 0;  // gone since the last refresh
  };

  // `options.validate_task` runs on the shared thread pool: it must be thread-safe.
  static Result<std::unique_ptr<DagFolder>> Open(std::string_view uri, DagLoadOptions options = {});

  // Lists the folder and parses new and changed files (size or modification time differ, or
  // the file changed so recently that a same-size edit could hide in the same mtime tick),
  // in parallel. Files whose name ends in .yml or .yaml count; hidden files and folders
  // (a name starting with '.') do not. A folder that does not exist holds no DAGs. Fails only
  // when the folder cannot be listed; per-file problems are in Files().
  Result<RefreshStats> Refresh();

  // Every DAG file, sorted by key, as of the last Refresh(). Safe to call at any time.
  std::vector<File> Files() const;
  // The DAGs loaded without error, sorted by dag_id.
  std::vector<std::shared_ptr<const DagSpec>> Dags() const;
  std::shared_ptr<const DagSpec> FindDag(std::string_view dag_id) const;

  const std::string& uri() const { return uri_; }

 private:
  struct Parsed {
    int64_t size = 0;
    int64_t mtime_ms = 0;
    bool racy = false;  // modified too close to when it was read: read it again next time
    std::shared_ptr<const DagSpec> dag;
    Status error;
  };

  DagFolder(std::string uri, storage::Location location, DagLoadOptions options);
  Result<std::vector<storage::ObjectInfo>> ListDagFiles() const;
  Parsed ReadOne(const storage::ObjectInfo& info) const;
  void Publish();

  std::string uri_;
  storage::Location location_;
  std::string prefix_;  // the folder's key prefix in its store, "" or ending in '/'
  DagLoadOptions options_;

  std::mutex refresh_mu_;                 // one Refresh() at a time
  std::map<std::string, Parsed> parsed_;  // by key; guarded by refresh_mu_

  mutable std::mutex view_mu_;
  std::vector<File> files_;
  std::map<std::string, std::shared_ptr<const DagSpec>, std::less<>> dags_;
};

}  // namespace sluice::orchestrator
